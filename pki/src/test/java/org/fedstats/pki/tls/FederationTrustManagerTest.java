package org.fedstats.pki.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.testing.LogCapture;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Why the trust manager refuses: the reasons the handshakes in MutualTlsTest fail, one by one. */
class FederationTrustManagerTest {
  @TempDir
  Path tmp;

  private LogCapture log;

  /** The warnings these tests provoke are checked here rather than shown in the build's output. */
  @BeforeEach
  void captureWarnings() {
    log = LogCapture.of(RevocationList.class);
  }

  @AfterEach
  void restoreLogging() {
    log.close();
  }

  private List<String> warnings() {
    return log.messages(Level.WARNING);
  }

  private static X509Certificate[] chain(TlsFiles files) {
    return Pem.readCertificates(files.certificateChain()).toArray(X509Certificate[]::new);
  }

  @Test
  void refusesRevokedExpiredForeignAndMisusedCertificates() {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    TlsFiles node = Issuing.issue(ca, tmp.resolve("site1"), "site1", Issuing.server("site1", Role.NODE));
    RevocationList crl = RevocationList.load(ca.crlFile(), ca.certificate(), Duration.ZERO, Clock.systemUTC());
    FederationTrustManager tm = new FederationTrustManager(ca.certificate(), crl);

    assertThatCode(() -> tm.checkClientTrusted(chain(alice), "UNKNOWN")).doesNotThrowAnyException();
    assertThatCode(() -> tm.checkServerTrusted(chain(node), "UNKNOWN")).doesNotThrowAnyException();
    assertThatCode(() -> tm.checkClientTrusted(chain(node), "UNKNOWN")).doesNotThrowAnyException();
    assertThatThrownBy(() -> tm.checkServerTrusted(chain(alice), "UNKNOWN"))
        .as("a researcher's certificate has no serverAuth").isInstanceOf(CertificateException.class);
    assertThat(tm.getAcceptedIssuers()).containsExactly(ca.certificate());

    FederationCa other = Issuing.newCa(tmp.resolve("other"), "Other CA");
    TlsFiles foreign = Issuing.issue(other, tmp.resolve("foreign"), "alice", Issuing.researcher("alice"));
    assertThatThrownBy(() -> tm.checkClientTrusted(chain(foreign), "UNKNOWN"))
        .isInstanceOf(CertificateException.class);

    FederationCa past = FederationCa.open(tmp.resolve("ca"),
        Clock.fixed(Instant.now().minus(Duration.ofDays(400)), ZoneOffset.UTC));
    TlsFiles expired = Issuing.issue(past, tmp.resolve("old"), "bob", Issuing.researcher("bob"));
    assertThatThrownBy(() -> tm.checkClientTrusted(chain(expired), "UNKNOWN"))
        .isInstanceOf(CertificateException.class).hasRootCauseInstanceOf(CertificateExpiredException.class);

    String serial = ca.list().getFirst().serial();
    ca.revoke(serial, "keyCompromise");
    assertThatThrownBy(() -> tm.checkClientTrusted(chain(alice), "UNKNOWN"))
        .isInstanceOf(CertificateException.class).hasMessageContaining(serial).hasMessageContaining("revoked");
    assertThatCode(() -> tm.checkServerTrusted(chain(node), "UNKNOWN")).doesNotThrowAnyException();
  }

  @Test
  void theListReloadsOnlyWhenItIsTimeToLook() {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    RevocationList crl = RevocationList.load(ca.crlFile(), ca.certificate(), Duration.ofSeconds(30), clock);
    ca.revoke(ca.list().getFirst().serial(), "superseded");
    assertThat(crl.revokedSerials()).isEmpty();
    clock.now = clock.now.plusSeconds(29);
    assertThat(crl.revokedSerials()).isEmpty();
    clock.now = clock.now.plusSeconds(1);
    assertThat(crl.revokedSerials()).hasSize(1);
    // This clock is past the list's nextUpdate: it stays in force, with one warning.
    assertThat(warnings()).singleElement().asString().contains("was due to be replaced").contains("still enforcing");
  }

  @Test
  void aListNotFromTheCaOrOlderThanTheOneInForceIsNotTaken() throws Exception {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    Path old = tmp.resolve("old-crl.pem");
    Files.copy(ca.crlFile(), old);
    ca.revoke(ca.list().getFirst().serial(), "keyCompromise");
    Path served = tmp.resolve("crl.pem");
    Files.copy(ca.crlFile(), served);
    RevocationList crl = RevocationList.load(served, ca.certificate(), Duration.ZERO, Clock.systemUTC());
    assertThat(crl.revokedSerials()).hasSize(1);

    // Rolled back to the list before the revocation: refused, the revocation stays.
    Files.copy(old, served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(crl.revokedSerials()).hasSize(1);
    assertThat(warnings()).last().asString().contains("is older (number 1) than the one in force (2)");
    // Replaced by another CA's list: refused.
    FederationCa other = Issuing.newCa(tmp.resolve("other"), "Example Federation CA");
    Files.copy(other.crlFile(), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(crl.revokedSerials()).hasSize(1);
    assertThat(warnings()).last().asString().contains("does not verify with the federation CA's key");
    // Garbage: refused.
    Files.writeString(served, "not a CRL");
    assertThat(crl.revokedSerials()).hasSize(1);
    assertThat(warnings()).last().asString().contains("holds no PEM revocation list");
    // At start, a list that does not verify stops the server.
    Files.copy(other.crlFile(), served, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> RevocationList.load(served, ca.certificate(), Duration.ZERO, Clock.systemUTC()))
        .isInstanceOf(PkiException.class).hasMessageContaining("does not verify");
  }

  @Test
  void loadRefusesAKeyThatIsNotTheCertificates() throws Exception {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    TlsFiles bob = Issuing.issue(ca, tmp.resolve("bob"), "bob", Issuing.researcher("bob"));
    TlsFiles mixed = new TlsFiles(bob.key(), alice.certificateChain(), alice.caCertificate(), Optional.empty());
    assertThatThrownBy(() -> FederationTls.load(mixed)).isInstanceOf(PkiException.class)
        .hasMessageContaining("is not the key of");
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
