package org.fedstats.pki.statement;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.pki.Role;
import org.fedstats.pki.statement.StatementException.Failure;
import org.fedstats.pki.tls.PeerIdentity;
import org.fedstats.pki.tls.RevocationList;

/**
 * A node's check of the identity statements coming with requests: the signing certificate (first of the {@code x5c}
 * header) must be issued by the federation CA, valid now, not revoked, and of the coordinator role (and of the
 * pinned coordinator's name, when one is pinned); the ES256 signature must verify with its key; the statement must
 * be for this node, not expired (allowing the clock skew), valid for at most {@link #MAX_LIFETIME}, bound to the
 * request it came with, and not seen before. Statements seen are remembered until they expire, at most
 * {@code remembered} at once: beyond that, new ones are refused until old ones expire, never forgotten early.
 */
public final class StatementVerifier {
  /** The longest validity a node takes: a statement valid for longer is refused. */
  public static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
  /** How far the coordinator's clock may be from the node's, unless configured otherwise. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
  /** Unexpired statements a node remembers at once, unless configured otherwise. */
  public static final int DEFAULT_REMEMBERED = 100_000;

  static final String AUTH = "auth";
  static final String PROJECT = "project";
  static final String REQUEST_ID = "rid";
  static final String SESSION = "sid";
  static final String ROUND = "rnd";
  static final String DATASET = "ds";
  static final String BINDING = "req";

  private final X509Certificate ca;
  private final RevocationList revocations;
  private final Optional<String> coordinator;
  private final Duration skew;
  private final Clock clock;
  private final int remembered;
  private final Map<String, Instant> seen = new LinkedHashMap<>();

  /**
   * A verifier trusting statements signed with certificates of the coordinator role issued by {@code ca} and not in
   * {@code revocations}; with {@code coordinator}, only the certificates of that name.
   */
  public StatementVerifier(X509Certificate ca, RevocationList revocations, Optional<String> coordinator,
      Duration skew, Clock clock, int remembered) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.revocations = Objects.requireNonNull(revocations, "revocations");
    this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
    if (skew.isNegative()) {
      throw new IllegalArgumentException("the clock skew cannot be negative");
    }
    this.skew = skew;
    this.clock = Objects.requireNonNull(clock, "clock");
    if (remembered < 1) {
      throw new IllegalArgumentException("a node remembers at least one statement");
    }
    this.remembered = remembered;
  }

  /**
   * The statement {@code compact}, checked as the class says for node {@code audience} and the request whose
   * binding is {@code binding}; throws {@link StatementException} naming the first check that failed.
   */
  public IdentityStatement verify(String compact, String audience, String binding) {
    if (compact == null || compact.isEmpty()) {
      throw new StatementException(Failure.MISSING, "the request carries no identity statement");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(compact);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new StatementException(Failure.MALFORMED, "the identity statement is not a signed JWT");
    }
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
      throw new StatementException(Failure.MALFORMED, "the identity statement is signed with "
          + header.getAlgorithm() + "; coordinators sign with ES256");
    }
    if (!StatementSigner.TYPE.equals(header.getType())) {
      throw new StatementException(Failure.MALFORMED, "the JWT is not an identity statement (typ "
          + StatementSigner.TYPE + ")");
    }
    X509Certificate signer = signer(header);
    try {
      if (!jwt.verify(new ECDSAVerifier((ECPublicKey) signer.getPublicKey()))) {
        throw new StatementException(Failure.BAD_SIGNATURE, "the identity statement's signature does not verify "
            + "with the key of the certificate it names: it was altered or forged");
      }
    } catch (JOSEException | ClassCastException e) {
      throw new StatementException(Failure.BAD_SIGNATURE, "the identity statement's signature cannot be checked: "
          + e.getMessage());
    }
    Instant now = clock.instant();
    IdentityStatement statement = statement(claims);
    if (now.isAfter(statement.expiresAt().plus(skew))) {
      throw new StatementException(Failure.EXPIRED, "the identity statement expired at " + statement.expiresAt()
          + " (now " + now + ", allowing " + skew.toSeconds() + " s of clock skew)");
    }
    if (statement.issuedAt().isAfter(now.plus(skew))) {
      throw new StatementException(Failure.EXPIRED, "the identity statement is issued in the future ("
          + statement.issuedAt() + "; now " + now + "): the coordinator's clock is off");
    }
    if (Duration.between(statement.issuedAt(), statement.expiresAt()).compareTo(MAX_LIFETIME) > 0) {
      throw new StatementException(Failure.EXPIRED, "the identity statement is valid for longer than a node takes ("
          + MAX_LIFETIME.toSeconds() + " s)");
    }
    if (!claims.getAudience().equals(java.util.List.of(audience))) {
      throw new StatementException(Failure.WRONG_AUDIENCE, "the identity statement is for another node, not "
          + audience);
    }
    if (!statement.binding().equals(binding)) {
      throw new StatementException(Failure.MISBOUND, "the identity statement was signed for another request: "
          + "this request differs from the one the coordinator signed for");
    }
    remember(statement.id(), statement.expiresAt().plus(skew), now);
    return statement;
  }

  /** The signing certificate, checked against the federation CA, the revocation list, the role and the pin. */
  private X509Certificate signer(JWSHeader header) {
    if (header.getX509CertChain() == null || header.getX509CertChain().isEmpty()) {
      throw new StatementException(Failure.MALFORMED, "the identity statement names no signing certificate (x5c)");
    }
    X509Certificate certificate = X509CertUtils.parse(header.getX509CertChain().getFirst().decode());
    if (certificate == null) {
      throw new StatementException(Failure.MALFORMED, "the identity statement's signing certificate is unreadable");
    }
    try {
      certificate.verify(ca.getPublicKey());
    } catch (Exception e) {
      throw new StatementException(Failure.UNTRUSTED_SIGNER, "the identity statement is signed with a certificate "
          + "that is not from the federation CA this node trusts");
    }
    try {
      certificate.checkValidity(Date.from(clock.instant()));
    } catch (CertificateException e) {
      throw new StatementException(Failure.UNTRUSTED_SIGNER, "the identity statement's signing certificate is "
          + "expired or not yet valid");
    }
    if (revocations.isRevoked(certificate)) {
      throw new StatementException(Failure.UNTRUSTED_SIGNER, "the identity statement's signing certificate was "
          + "revoked by the federation CA");
    }
    Optional<PeerIdentity> identity = PeerIdentity.of(certificate);
    if (identity.isEmpty() || identity.get().role() != Role.COORDINATOR) {
      throw new StatementException(Failure.UNTRUSTED_SIGNER, "the identity statement is signed with a certificate "
          + "of " + identity.map(i -> "the " + i.role().label() + " role").orElse("no role")
          + "; only the coordinator's are taken");
    }
    if (coordinator.isPresent() && !coordinator.get().equals(identity.get().commonName())) {
      throw new StatementException(Failure.UNTRUSTED_SIGNER, "the identity statement is signed by coordinator "
          + identity.get().commonName() + ", not by " + coordinator.get() + ", the coordinator this node takes");
    }
    return certificate;
  }

  private static IdentityStatement statement(JWTClaimsSet c) {
    try {
      Optional<AuthMethod> method = AuthMethod.parse(c.getStringClaim(AUTH));
      if (method.isEmpty() || c.getIssueTime() == null || c.getExpirationTime() == null || c.getJWTID() == null
          || c.getIntegerClaim(ROUND) == null) {
        throw new StatementException(Failure.MALFORMED, "the identity statement lacks a claim nodes need");
      }
      return new IdentityStatement(orEmpty(c.getIssuer()), c.getSubject(), method.get(),
          orEmpty(c.getStringClaim(PROJECT)), orEmpty(c.getStringClaim(REQUEST_ID)),
          orEmpty(c.getStringClaim(SESSION)), c.getIntegerClaim(ROUND), orEmpty(c.getStringClaim(DATASET)),
          c.getStringClaim(BINDING), c.getAudience().isEmpty() ? "" : c.getAudience().getFirst(),
          c.getIssueTime().toInstant(), c.getExpirationTime().toInstant(), c.getJWTID());
    } catch (ParseException | IllegalArgumentException e) {
      throw new StatementException(Failure.MALFORMED, "the identity statement's claims are not of the form "
          + "coordinators sign");
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Takes statement {@code id} once: refused if seen before and not yet expired. */
  private synchronized void remember(String id, Instant until, Instant now) {
    Instant before = seen.get(id);
    if (before != null && !now.isAfter(before)) {
      throw new StatementException(Failure.REPLAYED, "the identity statement was used before (a replay)");
    }
    // Mostly in order of expiry: the expired ones at the head go at once.
    for (Iterator<Instant> i = seen.values().iterator(); i.hasNext() && now.isAfter(i.next()); ) {
      i.remove();
    }
    if (seen.size() >= remembered) {
      for (Iterator<Instant> i = seen.values().iterator(); i.hasNext(); ) {
        if (now.isAfter(i.next())) {
          i.remove();
        }
      }
      if (seen.size() >= remembered) {
        throw new StatementException(Failure.OVERLOADED, "the node holds " + remembered + " unexpired identity "
            + "statements, its limit; it takes new ones as those expire");
      }
    }
    seen.put(id, until);
  }

  /** Unexpired statements remembered now (for tests of the bound). */
  public synchronized int remembered() {
    return seen.size();
  }
}
