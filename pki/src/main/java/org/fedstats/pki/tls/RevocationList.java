package org.fedstats.pki.tls;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;

/**
 * The serial numbers the federation CA revoked, from its signed revocation list (CRL) file, re-read when the file
 * changes: at most once every {@code checkInterval}, a look at the file's modification time, size and identity, and
 * if any changed, a new read. A list that does not verify with the CA's key, is not from the CA, or is older (a lower
 * CRL number) than the one in force is not taken: the one in force stays, and a warning is logged. A revocation is
 * never forgotten this way, even when someone replaces the file. A list past its {@code nextUpdate} stays in force
 * with a warning: it still holds every revocation up to its issue, and refusing every peer because the CA operator
 * was late would stop the federation.
 */
public final class RevocationList {
  private static final Logger LOG = Logger.getLogger(RevocationList.class.getName());

  private final Optional<Path> file;
  private final X509Certificate ca;
  private final Duration checkInterval;
  private final Clock clock;
  private Instant lastCheck;
  private Object lastVersion;
  private BigInteger crlNumber = BigInteger.valueOf(-1);
  private Date nextUpdate;
  private boolean warnedStale;
  private volatile Set<BigInteger> revoked = Set.of();

  private RevocationList(Optional<Path> file, X509Certificate ca, Duration checkInterval, Clock clock) {
    this.file = file;
    this.ca = ca;
    this.checkInterval = checkInterval;
    this.clock = clock;
  }

  /**
   * The list in {@code file}, issued by {@code ca}. Fails if it cannot be read or does not verify: a server does not
   * start without the revocations it was given.
   */
  public static RevocationList load(Path file, X509Certificate ca, Duration checkInterval, Clock clock) {
    Objects.requireNonNull(file, "file");
    if (checkInterval.isNegative()) {
      throw new IllegalArgumentException("checkInterval must not be negative");
    }
    RevocationList list = new RevocationList(Optional.of(file), ca, checkInterval, clock);
    list.lastCheck = clock.instant();
    list.lastVersion = FileVersion.of(file);
    list.take(read(file, ca));
    return list;
  }

  /** No list: nothing is revoked (for a member that does not check revocation). */
  public static RevocationList none(X509Certificate ca) {
    return new RevocationList(Optional.empty(), ca, Duration.ZERO, Clock.systemUTC());
  }

  /** Whether the CA revoked {@code certificate} (only certificates the CA issued can be). */
  public boolean isRevoked(X509Certificate certificate) {
    refresh();
    return certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())
        && revoked.contains(certificate.getSerialNumber());
  }

  /** The serial numbers revoked now. */
  public Set<BigInteger> revokedSerials() {
    refresh();
    return revoked;
  }

  /** Re-reads the file if it is time to look and it changed. */
  public synchronized void refresh() {
    if (file.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    if (now.isBefore(lastCheck.plus(checkInterval))) {
      return;
    }
    lastCheck = now;
    Object version = FileVersion.of(file.get());
    if (Objects.equals(version, lastVersion)) {
      warnIfStale(now);
      return;
    }
    try {
      X509CRL crl = read(file.get(), ca);
      lastVersion = version;
      BigInteger number = number(crl);
      if (number.compareTo(crlNumber) < 0) {
        LOG.warning(() -> "revocation list " + file.get() + " is older (number " + number + ") than the one in force ("
            + crlNumber + "): keeping the one in force");
        return;
      }
      take(crl);
      LOG.info(() -> "revocation list " + file.get() + " reloaded: number " + crlNumber + ", " + revoked.size()
          + " revoked");
    } catch (PkiException e) {
      LOG.log(Level.WARNING, "revocation list " + file.get() + " not taken, keeping the one in force: "
          + e.getMessage());
    }
    warnIfStale(now);
  }


  private void take(X509CRL crl) {
    Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
    revoked = entries == null ? Set.of()
        : entries.stream().map(X509CRLEntry::getSerialNumber).collect(Collectors.toUnmodifiableSet());
    crlNumber = number(crl);
    nextUpdate = crl.getNextUpdate();
    warnedStale = false;
  }

  private void warnIfStale(Instant now) {
    if (!warnedStale && nextUpdate != null && now.isAfter(nextUpdate.toInstant())) {
      warnedStale = true;
      LOG.warning(() -> "revocation list " + file.orElseThrow() + " was due to be replaced at " + nextUpdate.toInstant()
          + ": still enforcing it; ask the CA operator for a new one ('fedstats pki crl')");
    }
  }

  /** The list in {@code file}, once its signature and issuer check out. */
  static X509CRL read(Path file, X509Certificate ca) {
    X509CRL crl = Pem.readCrl(file);
    if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      throw new PkiException(file + " is not from the federation CA (issuer " + crl.getIssuerX500Principal() + ")");
    }
    try {
      crl.verify(ca.getPublicKey());
    } catch (Exception e) {
      throw new PkiException(file + " does not verify with the federation CA's key", e);
    }
    return crl;
  }

  private static BigInteger number(X509CRL crl) {
    byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (value == null) {
      return BigInteger.ZERO;
    }
    return ASN1Integer.getInstance(ASN1OctetString.getInstance(value).getOctets()).getValue();
  }
}
