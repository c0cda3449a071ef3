package org.fedstats.pki.tls;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * One sentence for a failed mutual-TLS connection, seen from the side that dialled: which side refused and the
 * likely cause. Made from the exception chain of the failed call (a gRPC status's cause), never shown as a stack
 * trace.
 */
public final class HandshakeFailures {
  /** A TLS alert received, as BoringSSL/OpenSSL (Netty's native TLS) names it, lower-cased. */
  private static final Pattern OPENSSL_ALERT = Pattern.compile("(?:sslv3|tlsv1|tlsv13)_alert_([a-z_]+)");

  private HandshakeFailures() {}

  /**
   * Why the connection to {@code server} (e.g. "the coordinator at host:port") failed, if a TLS problem made it
   * fail; empty for other failures.
   */
  public static Optional<String> explain(Throwable failure, String server) {
    Optional<Throwable> tls = causes(failure).filter(t -> t instanceof SSLException
        || t.getClass().getName().endsWith("NotSslRecordException")).findFirst();
    if (tls.isEmpty()) {
      return Optional.empty();
    }
    String message = String.valueOf(tls.get().getMessage());
    String all = causes(failure).map(t -> String.valueOf(t.getMessage())).reduce("", (a, b) -> a + " " + b)
        .toLowerCase(Locale.ROOT);
    if (plaintextPeer(failure)) {
      return Optional.of(server + " does not speak TLS: it runs without mutual TLS (insecure: true), or this "
          + "side should not use TLS with it");
    }
    if (all.contains("is revoked")) {
      return Optional.of("this side refused " + server + ": its certificate is revoked by the federation CA ("
          + message + ")");
    }
    Optional<String> pinned = causes(failure).map(Throwable::getMessage)
        .filter(m -> m != null && m.contains(PinnedServerTrustManager.CONFIGURED)).findFirst();
    if (pinned.isPresent()) {
      return Optional.of("this side refused " + server + ": " + pinned.get());
    }
    Matcher openSsl = OPENSSL_ALERT.matcher(all);
    String alert = null;
    if (all.contains("received fatal alert")) {
      alert = all.substring(all.indexOf("received fatal alert") + "received fatal alert".length())
          .replaceFirst("^[: ]+", "").split("[\\s,;)]", 2)[0];
    } else if (openSsl.find()) {
      alert = openSsl.group(1);
    }
    if (alert != null) {
      String likely = switch (alert) {
        case "certificate_revoked" -> "this side's certificate is revoked";
        case "certificate_required" -> "this side presented no certificate";
        case "certificate_expired" -> "this side's certificate has expired";
        case "bad_certificate", "unknown_ca", "certificate_unknown", "internal_error" ->
            "this side's certificate is revoked, not from the federation CA it trusts (unknown CA), or unfit "
                + "(its log says which)";
        default -> "the TLS alert was " + alert;
      };
      return Optional.of(server + " refused this side's certificate: " + likely);
    }
    if (all.contains("pkix path") || all.contains("certification path") || all.contains("signature check failed")) {
      return Optional.of("this side refused " + server + ": its certificate is not from the federation CA this "
          + "side trusts (unknown CA; is ca.crt the federation's?)");
    }
    if (all.contains("no subject alternative") || all.contains("no name matching")) {
      return Optional.of("this side refused " + server + ": its certificate does not name the address dialled "
          + "(request it with that DNS name or IP address)");
    }
    if (all.contains("expired") || all.contains("not yet valid") || all.contains("notafter")) {
      return Optional.of("this side refused " + server + ": its certificate has expired or is not yet valid");
    }
    return Optional.of("the TLS handshake with " + server + " failed: " + message);
  }

  /** Whether {@code failure} is a TLS handshake with a peer that answered in plaintext. */
  public static boolean plaintextPeer(Throwable failure) {
    return causes(failure).anyMatch(t -> t.getClass().getName().endsWith("NotSslRecordException")
        || t instanceof SSLException && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT)
            .matches("(?s).*(not an ssl/tls record|unsupported or unrecognized ssl message).*"));
  }

  private static Stream<Throwable> causes(Throwable t) {
    return Stream.iterate(t, Objects::nonNull, c -> c.getCause() == c ? null : c.getCause());
  }
}
