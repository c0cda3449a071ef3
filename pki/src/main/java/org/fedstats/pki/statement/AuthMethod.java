package org.fedstats.pki.statement;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How the coordinator established who the researcher is. */
public enum AuthMethod {
  /** A client certificate of the researcher role from the federation CA, verified by the TLS handshake. */
  CERTIFICATE,
  /** An OpenID Connect bearer token (a JWT) verified against the configured issuer's keys. */
  OIDC,
  /** A name the researcher's client stated itself (plaintext coordinator without OpenID Connect): not verified. */
  CLAIMED;

  /** The name written in statements and audit logs: {@code certificate}, {@code oidc}, {@code claimed}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }

  /** The method labelled {@code label}; empty for anything else. */
  public static Optional<AuthMethod> parse(String label) {
    return Arrays.stream(values()).filter(m -> m.label().equals(label)).findFirst();
  }
}
