package org.fedstats.pki.ca;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;

/**
 * One line of the CA's index: a certificate it issued.
 *
 * @param serial the serial number in lower-case hexadecimal, as {@code revoke} takes it
 * @param subject the certificate's subject, e.g. {@code CN=site1,OU=node}
 * @param commonName the holder's name (the subject's CN)
 * @param role the holder's role (the subject's OU)
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param revokedAt when it was revoked, if it was
 * @param reason why it was revoked (a CRL reason such as {@code keyCompromise}), if it was
 */
public record IssuedCertificate(String serial, String subject, String commonName, Role role, Instant notBefore,
    Instant notAfter, Optional<Instant> revokedAt, Optional<String> reason) {
  public IssuedCertificate {
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(commonName, "commonName");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(revokedAt, "revokedAt");
    Objects.requireNonNull(reason, "reason");
    if (!serial.matches("[0-9a-f]+")) {
      throw new PkiException("index entry with a malformed serial number");
    }
    if (notAfter.isBefore(notBefore)) {
      throw new PkiException("index entry " + serial + " ends before it starts");
    }
  }

  /** Whether it was revoked. */
  public boolean revoked() {
    return revokedAt.isPresent();
  }

  /** {@code revoked}, {@code expired} (at {@code now}) or {@code valid}. */
  public String status(Instant now) {
    return revoked() ? "revoked" : now.isAfter(notAfter) ? "expired" : now.isBefore(notBefore) ? "not-yet-valid"
        : "valid";
  }

  /** This entry, revoked at {@code when} for {@code why}. */
  IssuedCertificate revoke(Instant when, String why) {
    return new IssuedCertificate(serial, subject, commonName, role, notBefore, notAfter, Optional.of(when),
        Optional.of(why));
  }
}
