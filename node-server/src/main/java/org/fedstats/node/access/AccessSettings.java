package org.fedstats.node.access;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.pki.statement.StatementVerifier;

/**
 * Who a node answers: whether it requires the coordinator's signed identity statement with every request, what it
 * trusts such statements by, and its study approvals.
 *
 * @param requireStatement whether a request without a valid statement is refused; empty: required exactly when the
 *     node serves over mutual TLS
 * @param ca the federation CA certificate statements are checked against; empty: the {@code tls} section's
 *     ({@code ca.crt}), or none without TLS (then statements cannot be checked)
 * @param crl the revocation list checked for the signer; empty: the {@code tls} section's
 * @param coordinator the one coordinator name (its certificate's CN) whose statements are taken; empty: any
 *     certificate of the coordinator role from the federation CA
 * @param clockSkew how far the coordinator's clock may be off
 * @param approvals the study approvals file; empty: no approvals (every request is answered as without projects)
 */
public record AccessSettings(Optional<Boolean> requireStatement, Optional<Path> ca, Optional<Path> crl,
    Optional<String> coordinator, Duration clockSkew, Optional<Path> approvals) {
  /** A node's access unless configured: statements required with TLS, no approvals. */
  public static final AccessSettings DEFAULT = new AccessSettings(Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), StatementVerifier.DEFAULT_CLOCK_SKEW, Optional.empty());

  public AccessSettings {
    Objects.requireNonNull(requireStatement, "requireStatement");
    Objects.requireNonNull(ca, "ca");
    Objects.requireNonNull(crl, "crl");
    Objects.requireNonNull(coordinator, "coordinator");
    if (clockSkew == null || clockSkew.isNegative()) {
      throw new IllegalArgumentException("identity.clock-skew-seconds cannot be negative");
    }
    Objects.requireNonNull(approvals, "approvals");
  }

  /** The {@code identity} section of a node's configuration, as written. */
  public record IdentityConfig(Boolean requireStatement, String ca, String crl, String coordinator,
      Long clockSkewSeconds) {}

  /** The settings of a configuration's {@code identity} section and {@code approvals} key, relative to {@code base}. */
  public static AccessSettings of(IdentityConfig identity, String approvals, Path base) {
    IdentityConfig i = identity == null ? new IdentityConfig(null, null, null, null, null) : identity;
    return new AccessSettings(Optional.ofNullable(i.requireStatement()),
        Optional.ofNullable(i.ca()).map(base::resolve), Optional.ofNullable(i.crl()).map(base::resolve),
        Optional.ofNullable(i.coordinator()),
        i.clockSkewSeconds() == null ? StatementVerifier.DEFAULT_CLOCK_SKEW : Duration.ofSeconds(i.clockSkewSeconds()),
        Optional.ofNullable(approvals).map(base::resolve));
  }

  /** These settings with the approvals file {@code file}. */
  public AccessSettings withApprovals(Path file) {
    return new AccessSettings(requireStatement, ca, crl, coordinator, clockSkew, Optional.of(file));
  }

  /** These settings requiring statements ({@code true}) or not. */
  public AccessSettings requiringStatements(boolean required) {
    return new AccessSettings(Optional.of(required), ca, crl, coordinator, clockSkew, approvals);
  }
}
