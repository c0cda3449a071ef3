package org.fedstats.pki.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Test support: an OpenID Connect identity provider in miniature, with an RSA key made in the test, issuing tokens
 * (RS256 JWTs) and publishing its key set (JWKS).
 */
public final class Tokens {
  private final String issuer;
  private final RSAKey key;

  public Tokens(String issuer) {
    this.issuer = issuer;
    try {
      this.key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String issuer() {
    return issuer;
  }

  /** The public key set, as the issuer's {@code jwks_uri} serves it. */
  public String jwks() {
    return new JWKSet(key.toPublicJWK()).toString();
  }

  /** A token for {@code user} and {@code audience}, valid for the next five minutes. */
  public String token(String user, String audience) {
    return token(user, audience, UnaryOperator.identity());
  }

  /** A token whose claims {@code change} alters first (expiry, issuer, audience, ...). */
  public String token(String user, String audience, UnaryOperator<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject("sub-" + user)
        .claim("preferred_username", user).audience(audience).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5)))).jwtID(UUID.randomUUID().toString());
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
        change.apply(claims).build());
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
