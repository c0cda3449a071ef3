package org.fedstats.coordinator.identity;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.pki.statement.StatementSigner;
import org.fedstats.pki.tls.TlsFiles;

/**
 * How the coordinator knows researchers and vouches for them to the nodes.
 *
 * @param oidc the OpenID Connect issuer whose bearer tokens are taken; empty: none
 * @param signing the key and certificate identity statements are signed with; empty: the {@code tls} section's (a
 *     coordinator without either sends no statements)
 * @param statementLifetime how long a statement is valid
 */
public record IdentitySettings(Optional<OidcSettings> oidc, Optional<TlsFiles> signing, Duration statementLifetime) {
  public static final IdentitySettings DEFAULT = new IdentitySettings(Optional.empty(), Optional.empty(),
      StatementSigner.DEFAULT_LIFETIME);

  public IdentitySettings {
    Objects.requireNonNull(oidc, "oidc");
    Objects.requireNonNull(signing, "signing");
    Objects.requireNonNull(statementLifetime, "statementLifetime");
  }

  public IdentitySettings withOidc(OidcSettings settings) {
    return new IdentitySettings(Optional.of(settings), signing, statementLifetime);
  }

  public IdentitySettings withSigning(TlsFiles files) {
    return new IdentitySettings(oidc, Optional.of(files), statementLifetime);
  }
}
