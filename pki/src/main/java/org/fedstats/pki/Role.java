package org.fedstats.pki;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.fedstats.common.Text;

/**
 * What a certificate holder is in the federation. It is written into the certificate's subject as the
 * organizational unit ({@code OU=node}), so that a peer's role can be read back from its verified certificate.
 */
public enum Role {
  /** A data holder's node: a TLS server for the coordinator, and a client when it calls out. */
  NODE(true, Duration.ofDays(365)),
  /** The coordinator: a TLS server for researchers, and a client of the nodes. */
  COORDINATOR(true, Duration.ofDays(365)),
  /** A researcher's CLI or SDK: a TLS client only. */
  RESEARCHER(false, Duration.ofDays(90));

  private final boolean server;
  private final Duration defaultValidity;

  Role(boolean server, Duration defaultValidity) {
    this.server = server;
    this.defaultValidity = defaultValidity;
  }

  /** Whether this role serves TLS (and so needs DNS or IP subject alternative names); every role is a client. */
  public boolean server() {
    return server;
  }

  /** How long a certificate for this role is valid unless the CA operator says otherwise. */
  public Duration defaultValidity() {
    return defaultValidity;
  }

  /** The name written in certificates and on the command line: {@code node}, {@code coordinator}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }

  /** The role named {@code label}, ignoring case. */
  public static Role parse(String label) {
    return Arrays.stream(values()).filter(r -> r.label().equalsIgnoreCase(label == null ? "" : label.strip()))
        .findFirst().orElseThrow(() -> new PkiException("unknown role '" + Text.echo(label) + "': expected one of "
            + labels()));
  }

  /** The roles' labels, comma-separated. */
  public static String labels() {
    return Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", "));
  }
}
