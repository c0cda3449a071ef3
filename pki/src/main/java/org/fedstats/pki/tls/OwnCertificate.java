package org.fedstats.pki.tls;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.fedstats.pki.Crypto;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;

/**
 * This member's own key and certificate, which it presents on both sides of its TLS connections, re-read when the
 * files change: a certificate renewed on disk (a rotation) is presented at the next handshake, without a restart.
 *
 * <p>At most once every {@link TlsFiles#refresh()}, at a handshake, the key's and the certificate's files are looked
 * at (identity, modification time, size); if either changed, both are read. A new pair is taken only if the CA
 * issued the certificate and the key belongs to it; otherwise (e.g. the certificate was replaced and the key not
 * yet) the pair in force stays, a warning says why, and the files are read again once they change again.
 * Connections already open keep the certificate they were made with.
 *
 * <p>Each pair has its own alias (its certificate's serial number), so a TLS implementation that asks for the chain
 * and the key of an alias in two steps gets one pair, also while a new one is taken.
 */
public final class OwnCertificate extends X509ExtendedKeyManager {
  private static final Logger LOG = Logger.getLogger(OwnCertificate.class.getName());

  /** A key and the certificate chain it belongs to, under its alias. */
  private record Pair(String alias, PrivateKey key, X509Certificate[] chain) {}

  private final TlsFiles files;
  private final X509Certificate ca;
  private final Clock clock;
  private volatile Pair current;
  private volatile Pair previous;
  private Instant lastCheck;
  private Object lastVersion;

  private OwnCertificate(TlsFiles files, X509Certificate ca, Clock clock, Pair first, Object version) {
    this.files = files;
    this.ca = ca;
    this.clock = clock;
    this.current = first;
    this.previous = first;
    this.lastCheck = clock.instant();
    this.lastVersion = version;
  }

  /**
   * The key and certificate in {@code files}. Fails, naming the file, if one cannot be read, the certificate was not
   * issued by {@code ca}, or the key does not belong to the certificate.
   */
  public static OwnCertificate load(TlsFiles files, X509Certificate ca, Clock clock) {
    Object version = version(files);
    return new OwnCertificate(files, ca, clock, read(files, ca), version);
  }

  private static Object version(TlsFiles files) {
    return List.of(FileVersion.of(files.key()), FileVersion.of(files.certificateChain()));
  }

  private static Pair read(TlsFiles files, X509Certificate ca) {
    X509Certificate[] chain = Pem.readCertificates(files.certificateChain()).toArray(X509Certificate[]::new);
    PrivateKey key = Pem.readPrivateKey(files.key());
    try {
      chain[0].verify(ca.getPublicKey());
    } catch (Exception e) {
      throw new PkiException(files.certificateChain() + " was not issued by the federation CA in "
          + files.caCertificate());
    }
    if (!belong(key, chain[0])) {
      throw new PkiException(files.key() + " is not the key of " + files.certificateChain());
    }
    return new Pair("fedstats-" + Crypto.hex(chain[0].getSerialNumber()), key, chain);
  }

  private static boolean belong(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
    byte[] probe = "fedstats key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The certificate presented now. */
  public X509Certificate certificate() {
    refresh();
    return current.chain()[0];
  }

  /** Re-reads the files if it is time to look and either changed. */
  public synchronized void refresh() {
    Instant now = clock.instant();
    if (now.isBefore(lastCheck.plus(files.refresh()))) {
      return;
    }
    lastCheck = now;
    Object version = version(files);
    if (Objects.equals(version, lastVersion)) {
      return;
    }
    lastVersion = version;
    Pair was = current;
    try {
      Pair next = read(files, ca);
      if (next.alias().equals(was.alias())) { // the same certificate, so the same key
        return;
      }
      previous = was;
      current = next;
      LOG.info(() -> "now presenting certificate " + serial(next) + " of " + files.certificateChain() + " ("
          + next.chain()[0].getSubjectX500Principal().getName() + ", valid until "
          + next.chain()[0].getNotAfter().toInstant() + ") instead of " + serial(was));
    } catch (PkiException | IllegalArgumentException | IndexOutOfBoundsException e) {
      LOG.warning(() -> "the changed " + files.certificateChain() + " or " + files.key() + " is not taken, still "
          + "presenting certificate " + serial(was) + ": " + e.getMessage());
    }
  }

  private static String serial(Pair pair) {
    return Crypto.hex(pair.chain()[0].getSerialNumber());
  }

  private Pair pair(String alias) {
    Pair now = current;
    if (now.alias().equals(alias)) {
      return now;
    }
    Pair before = previous;
    return before.alias().equals(alias) ? before : null;
  }

  /**
   * The alias of the pair in force, after a look at the files if it is time. A member has one key, so it is the
   * answer whatever key types the TLS implementation asks about: TLS 1.3 (the only version used) chooses the
   * signature scheme from the key, not from the cipher suite.
   */
  private String chosen() {
    refresh();
    return current.alias();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return chosen();
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return chosen();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return chosen();
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return chosen();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {current.alias()};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {current.alias()};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Pair pair = pair(alias);
    return pair == null ? null : pair.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Pair pair = pair(alias);
    return pair == null ? null : pair.key();
  }
}
