package org.fedstats.pki.statement;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.tls.PeerIdentity;
import org.fedstats.pki.tls.TlsFiles;

/**
 * Signs identity statements with the coordinator's key (ES256, the federation's P-256 keys), carrying the
 * coordinator's certificate chain in the {@code x5c} header so that a node can check it against the federation CA
 * whatever transport the statement came over.
 */
public final class StatementSigner {
  /** How long a statement is valid unless configured otherwise: long enough for one round's fan-out. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  /** The JOSE {@code typ} of identity statements, so that no other JWT signed by the same key passes for one. */
  public static final JOSEObjectType TYPE = new JOSEObjectType("fedstats-identity+jwt");

  private final ECDSASigner signer;
  private final List<Base64> chain;
  private final String issuer;
  private final Duration lifetime;
  private final Clock clock;

  /** A signer with {@code key}, whose certificate is the first of {@code chain}. */
  public StatementSigner(PrivateKey key, List<X509Certificate> chain, Duration lifetime, Clock clock) {
    if (!(key instanceof ECPrivateKey ec)) {
      throw new PkiException("identity statements are signed with an EC P-256 key (ES256), not " + key.getAlgorithm());
    }
    if (chain.isEmpty()) {
      throw new PkiException("identity statements need the signer's certificate");
    }
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(StatementVerifier.MAX_LIFETIME) > 0) {
      throw new PkiException("an identity statement's lifetime must be positive and at most "
          + StatementVerifier.MAX_LIFETIME.toSeconds() + " s, not " + lifetime.toMillis() + " ms");
    }
    try {
      this.signer = new ECDSASigner(ec);
      List<Base64> encoded = new ArrayList<>();
      for (X509Certificate c : chain) {
        encoded.add(Base64.encode(c.getEncoded()));
      }
      this.chain = List.copyOf(encoded);
    } catch (JOSEException | CertificateEncodingException e) {
      throw new PkiException("cannot sign identity statements with this key: " + e.getMessage(), e);
    }
    this.issuer = PeerIdentity.of(chain.getFirst()).map(PeerIdentity::commonName)
        .orElse(chain.getFirst().getSubjectX500Principal().getName());
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** A signer with the key and certificate of {@code files} (the coordinator's TLS files). */
  public static StatementSigner load(TlsFiles files, Duration lifetime) {
    return new StatementSigner(Pem.readPrivateKey(files.key()), Pem.readCertificates(files.certificateChain()),
        lifetime, Clock.systemUTC());
  }

  /** The name statements give as their issuer (the signing certificate's CN). */
  public String issuer() {
    return issuer;
  }

  /** A statement of {@code claims} for node {@code audience}, valid from now for the signer's lifetime. */
  public String sign(IdentityStatement.Claims claims, String audience) {
    Instant now = clock.instant();
    JWTClaimsSet set = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(claims.researcher())
        .audience(audience)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(lifetime)))
        .jwtID(UUID.randomUUID().toString())
        .claim(StatementVerifier.AUTH, claims.method().label())
        .claim(StatementVerifier.PROJECT, claims.project())
        .claim(StatementVerifier.REQUEST_ID, claims.requestId())
        .claim(StatementVerifier.SESSION, claims.sessionId())
        .claim(StatementVerifier.ROUND, claims.round())
        .claim(StatementVerifier.DATASET, claims.dataset())
        .claim(StatementVerifier.BINDING, claims.binding())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE).x509CertChain(chain).build(),
        set);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new PkiException("cannot sign an identity statement: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }
}
