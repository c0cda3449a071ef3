package org.fedstats.coordinator.identity;

import java.util.Optional;
import org.fedstats.pki.statement.AuthMethod;
import org.fedstats.pki.tls.PeerIdentity;

/**
 * Establishes who a researcher is from what came with a call. A bearer token, when sent, decides (an invalid one is
 * refused, even over a valid client certificate); otherwise the client certificate the TLS handshake verified.
 * Without either, a coordinator that takes certificates or tokens refuses the call; one that takes neither
 * (plaintext, no OpenID Connect) records the name the client states, as a claim.
 */
public final class Authenticator {
  private final Optional<OidcVerifier> oidc;
  private final boolean certificates;

  /**
   * An authenticator taking tokens checked by {@code oidc} (if any) and, if {@code certificates}, the researcher
   * certificates of a mutual-TLS listener.
   */
  public Authenticator(Optional<OidcVerifier> oidc, boolean certificates) {
    this.oidc = oidc;
    this.certificates = certificates;
  }

  /** Takes stated names only: a plaintext coordinator without OpenID Connect. */
  public static Authenticator claimsOnly() {
    return new Authenticator(Optional.empty(), false);
  }

  /** Whether a caller must bring a certificate or a token. */
  public boolean authenticates() {
    return certificates || oidc.isPresent();
  }

  /**
   * The researcher calling with {@code certificate} (verified by TLS), the {@code authorization} header's value and
   * the name the client states; throws {@link OidcVerifier.Refused} saying why the caller is not taken.
   */
  public Researcher authenticate(Optional<PeerIdentity> certificate, String authorization, String stated) {
    if (authorization != null) {
      if (oidc.isEmpty()) {
        throw new OidcVerifier.Refused("this coordinator takes no bearer tokens (it has no OpenID Connect issuer "
            + "configured); connect with a researcher certificate, or without a token");
      }
      String token = OidcVerifier.bearer(authorization).orElseThrow(() -> new OidcVerifier.Refused(
          "the authorization header is not 'Bearer <token>'"));
      return oidc.get().verify(token);
    }
    if (certificate.isPresent()) {
      return new Researcher(certificate.get().commonName(), AuthMethod.CERTIFICATE);
    }
    if (authenticates()) {
      throw new OidcVerifier.Refused("this coordinator takes calls from authenticated researchers only: give "
          + (certificates ? "a researcher certificate (--tls-dir/--tls-name)" : "")
          + (certificates && oidc.isPresent() ? " or " : "")
          + (oidc.isPresent() ? "a bearer token from the federation's identity provider (--token-file)" : ""));
    }
    return Researcher.claimed(stated);
  }
}
