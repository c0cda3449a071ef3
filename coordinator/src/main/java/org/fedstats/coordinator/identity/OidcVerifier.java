package org.fedstats.coordinator.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fedstats.common.Text;
import org.fedstats.pki.statement.AuthMethod;

/**
 * Checks researchers' OpenID Connect bearer tokens (JWTs) with Nimbus JOSE+JWT: a signature by one of the issuer's
 * keys with an accepted algorithm (unsigned and symmetric-key tokens are refused), the issuer, the audience, expiry
 * and not-before (allowing the clock skew), and a user name claim. Messages say what failed and never quote the token.
 */
public final class OidcVerifier {
  /** How long fetching the issuer's keys may take to connect, and to read. */
  private static final int JWKS_TIMEOUT_MS = 5_000;
  private static final int JWKS_SIZE_LIMIT = 1 << 20;

  private final OidcSettings settings;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  public OidcVerifier(OidcSettings settings) throws IOException {
    this.settings = settings;
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(settings.algorithms(), keys(settings)));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(settings.audience()),
        new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), Set.of("exp", "sub"), Set.of());
    claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, settings.clockSkew().toSeconds()));
    processor.setJWTClaimsSetVerifier(claims);
  }

  private static JWKSource<SecurityContext> keys(OidcSettings settings) throws IOException {
    if (settings.jwksFile().isPresent()) {
      try {
        return new ImmutableJWKSet<>(JWKSet.load(settings.jwksFile().get().toFile()));
      } catch (ParseException e) {
        throw new IOException("oidc.jwks-file " + settings.jwksFile().get() + " is not a JWK set: " + e.getMessage(),
            e);
      }
    }
    try {
      // Cached, refreshed ahead of expiry and when a token names an unknown key (the issuer rotated its keys).
      return JWKSourceBuilder.create(settings.jwksUrl().get().toURL(), new DefaultResourceRetriever(
          JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKS_SIZE_LIMIT)).build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IOException("oidc.jwks-url is not a URL: " + e.getMessage(), e);
    }
  }

  /** Whether {@code authorization} (a header's value) is a bearer token at all. */
  public static Optional<String> bearer(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String value = authorization.strip();
    return value.regionMatches(true, 0, "Bearer ", 0, 7) ? Optional.of(value.substring(7).strip()) : Optional.empty();
  }

  /** The researcher {@code token} names; throws {@link Refused} saying why it is not taken. */
  public Researcher verify(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new Refused("the bearer token is not a JWT");
    }
    if (!(jwt instanceof SignedJWT)) {
      throw new Refused("the bearer token is not signed (alg " + jwt.getHeader().getAlgorithm() + "); only tokens "
          + "signed by the issuer are taken");
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(jwt, null);
    } catch (BadJOSEException e) {
      throw new Refused("the bearer token was refused: " + Text.echo(e.getMessage()));
    } catch (JOSEException e) {
      String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
      throw new Refused("the bearer token could not be checked against the issuer's keys: " + Text.echo(why));
    }
    List<String> names = settings.usernameClaim().map(List::of).orElse(OidcSettings.DEFAULT_USERNAME_CLAIMS);
    for (String claim : names) {
      Object value = claims.getClaim(claim);
      if (value instanceof String s && !s.isBlank()) {
        return new Researcher(s, AuthMethod.OIDC);
      }
    }
    throw new Refused("the bearer token has no user name (claim " + String.join(" or ", names) + ")");
  }

  /** A token not taken, and why. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }
}
