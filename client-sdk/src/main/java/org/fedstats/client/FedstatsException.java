package org.fedstats.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.fedstats.pki.tls.HandshakeFailures;

/**
 * The federation rejected a request or could not be reached. {@link #code()} is the gRPC status code; the message
 * is the coordinator's (prefixed with the code), or, when the coordinator could not be reached or is not a
 * coordinator, one sentence naming the address and the likely cause.
 */
public final class FedstatsException extends RuntimeException {
  private final Status.Code code;

  public FedstatsException(Status.Code code, String message, Throwable cause) {
    this(code, message, cause, true);
  }

  private FedstatsException(Status.Code code, String message, Throwable cause, boolean prefixCode) {
    super(prefixCode ? code + ": " + message : message, cause);
    this.code = code;
  }

  /**
   * Translates a failed call to the coordinator at {@code coordinator} (host {@code host}), which waited at most
   * {@code timeout}, over a {@code plaintext} connection or not. Failures of the connection itself are told in
   * words; statuses the coordinator sent keep its message.
   */
  static FedstatsException from(StatusRuntimeException e, String coordinator, String host, Duration timeout,
      boolean plaintext) {
    Status s = e.getStatus();
    String description = s.getDescription() == null ? s.getCode().name() : s.getDescription();
    String cause = connectionProblem(s, coordinator, host, timeout, plaintext);
    return cause == null
        ? new FedstatsException(s.getCode(), description, e)
        : new FedstatsException(s.getCode(), cause, e, false);
  }

  /** One sentence for a failure of the connection rather than of the request, or null. */
  private static String connectionProblem(Status s, String coordinator, String host, Duration timeout,
      boolean plaintext) {
    String check = "; check the address (--coordinator)";
    Optional<String> tls = s.getCause() == null ? Optional.empty()
        : HandshakeFailures.explain(s.getCause(), "the coordinator at " + coordinator);
    if (tls.isPresent()) {
      return tls.get() + (HandshakeFailures.plaintextPeer(s.getCause()) ? "; to talk plaintext to it, leave out "
          + "--tls-dir and --tls-name (and unset $FEDSTATS_TLS_DIR and $FEDSTATS_TLS_NAME)" : "");
    }
    switch (s.getCode()) {
      case UNAVAILABLE -> {
        if (find(s.getCause(), UnknownHostException.class) != null
            || String.valueOf(s.getDescription()).startsWith("Unable to resolve host")) {
          return "unknown host '" + host + "': cannot find the coordinator at " + coordinator + check;
        }
        if (find(s.getCause(), NoRouteToHostException.class) != null) {
          return "cannot reach the coordinator at " + coordinator + ": no route to that host" + check;
        }
        ConnectException connect = find(s.getCause(), ConnectException.class);
        if (connect != null) { // refused, or (Netty's ConnectTimeoutException) timed out
          String why = String.valueOf(connect.getMessage()).toLowerCase(Locale.ROOT).contains("refused")
              ? "nothing is listening there (connection refused)"
              : "the connection failed (" + connect.getMessage() + ")";
          return "cannot reach the coordinator at " + coordinator + ": " + why + check
              + " and that the coordinator is running";
        }
        // A mutual-TLS server drops a plaintext client's connection at once: closed, or reset, before any answer.
        if (plaintext && (String.valueOf(s.getDescription()).startsWith("Network closed for unknown reason")
            || causes(s.getCause()).anyMatch(c -> String.valueOf(c.getMessage()).contains("Connection reset")))) {
          return "the coordinator at " + coordinator + " closed the connection at once: it takes calls over "
              + "mutual TLS only, it seems; give your certificate with --tls-dir and --tls-name (or "
              + "$FEDSTATS_TLS_DIR and $FEDSTATS_TLS_NAME)";
        }
        if (s.getCause() != null) { // the transport failed; a status the coordinator sent has no cause here
          return "lost the connection to the coordinator at " + coordinator + " (" + s.getDescription() + ": "
              + s.getCause().getMessage() + "); is a fedstats coordinator listening there?";
        }
        return null;
      }
      case INTERNAL -> {
        if (causes(s.getCause()).anyMatch(c -> c.getClass().getSimpleName().equals("Http2Exception"))) {
          return coordinator + " is not a fedstats coordinator (it does not speak gRPC; is it a web server?)"
              + check;
        }
        return null;
      }
      case UNIMPLEMENTED -> {
        if (String.valueOf(s.getDescription()).contains("FederationService")) {
          return coordinator + " is not a fedstats coordinator (it does not offer FederationService; is it a "
              + "node's port?)";
        }
        return null;
      }
      case DEADLINE_EXCEEDED -> {
        return "the coordinator at " + coordinator + " did not answer within "
            + BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString()
            + " s; it may be overloaded or waiting for slow nodes (see --timeout)";
      }
      default -> {
        return null;
      }
    }
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    return causes(t).filter(type::isInstance).map(type::cast).findFirst().orElse(null);
  }

  /** {@code t} and its causes. */
  private static Stream<Throwable> causes(Throwable t) {
    return Stream.iterate(t, Objects::nonNull, c -> c.getCause() == c ? null : c.getCause());
  }

  public Status.Code code() {
    return code;
  }
}
