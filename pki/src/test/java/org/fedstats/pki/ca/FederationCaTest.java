package org.fedstats.pki.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.io.StringReader;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.KeyRequest;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FederationCaTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  @TempDir
  Path tmp;

  @Test
  void initMakesAnOwnerOnlyKeyACaCertificateAnEmptyIndexAndAnEmptyCrl() throws Exception {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    assertThat(Files.getPosixFilePermissions(tmp.resolve("ca/ca.key"))).isEqualTo(Pem.OWNER_ONLY);
    assertThat(Files.getPosixFilePermissions(tmp.resolve("ca")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    X509Certificate cert = Pem.readCertificate(tmp.resolve("ca/ca.crt"));
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=Example Federation CA");
    assertThat(cert.getBasicConstraints()).isEqualTo(0);
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(cert.getKeyUsage()[6]).as("cRLSign").isTrue();
    assertThat(cert.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(3650)));
    cert.verify(cert.getPublicKey());
    assertThat(ca.list()).isEmpty();
    X509CRL crl = Pem.readCrl(ca.crlFile());
    crl.verify(cert.getPublicKey());
    assertThat(crl.getRevokedCertificates()).isNull();
    assertThat(crl.getNextUpdate()).isAfter(crl.getThisUpdate());
    assertThatThrownBy(() -> Issuing.newCa(tmp.resolve("ca"), "Other"))
        .isInstanceOf(PkiException.class).hasMessageContaining("never overwritten");
    assertThat(Pem.readCertificate(tmp.resolve("ca/ca.crt"))).isEqualTo(cert);
  }

  @Test
  void anEncryptedCaKeyIsPbes2WithAes256AndSignsOnlyWithItsPassphrase() throws Exception {
    Path dir = tmp.resolve("ca");
    char[] passphrase = "correct horse battery staple".toCharArray();
    FederationCa.init(dir, "Example Federation CA", FederationCa.DEFAULT_CA_VALIDITY, Clock.systemUTC(),
        Optional.of(passphrase));
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key"))).isEqualTo(Pem.OWNER_ONLY);
    String pem = Files.readString(dir.resolve("ca.key"));
    assertThat(pem).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    PKCS8EncryptedPrivateKeyInfo encrypted;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      encrypted = (PKCS8EncryptedPrivateKeyInfo) parser.readObject();
    }
    assertThat(encrypted.getEncryptionAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_PBES2);
    PBES2Parameters pbes2 = PBES2Parameters.getInstance(encrypted.getEncryptionAlgorithm().getParameters());
    PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
    assertThat(kdf.getIterationCount().intValue()).isEqualTo(Pem.KEY_ITERATIONS);
    assertThat(kdf.getPrf().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_hmacWithSHA256);
    assertThat(pbes2.getEncryptionScheme().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_aes256_CBC);

    // With the passphrase the CA signs and revokes as before.
    FederationCa opened = FederationCa.open(dir, Clock.systemUTC(), Optional.of(passphrase));
    Issuing.issue(opened, tmp.resolve("site1"), "site1", Issuing.server("site1", Role.NODE));
    Pem.readCertificate(tmp.resolve("site1/site1.crt")).verify(opened.certificate().getPublicKey());
    opened.revoke(opened.list().getFirst().serial(), "superseded");
    // Without it, or with another, nothing is signed, and the error says why.
    assertThatThrownBy(() -> FederationCa.open(dir, Clock.systemUTC()).refreshCrl())
        .isInstanceOf(PkiException.class).hasMessageContaining("encrypted with a passphrase, and none was given");
    assertThatThrownBy(() -> FederationCa.open(dir, Clock.systemUTC(),
        Optional.of("wrong horse battery staple".toCharArray())).refreshCrl())
        .isInstanceOf(PkiException.class).hasMessageContaining("the passphrase does not open");
    assertThat(Pem.readCrl(dir.resolve("crl.pem")).getRevokedCertificates()).hasSize(1);
    assertThatThrownBy(() -> FederationCa.init(tmp.resolve("short"), "Short", FederationCa.DEFAULT_CA_VALIDITY,
        Clock.systemUTC(), Optional.of("too short".toCharArray()))).hasMessageContaining("at least 12 characters");
    assertThat(tmp.resolve("short")).doesNotExist();
  }

  @Test
  void requestWritesAnOwnerOnlyKeyAndNeverOverwritesOne() throws Exception {
    Path key = tmp.resolve("site1/site1.key");
    Path csr = tmp.resolve("site1/site1.csr");
    Issuing.server("site1", Role.NODE).write(key, csr);
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(Pem.OWNER_ONLY);
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    String before = Files.readString(key);
    Files.delete(csr);
    assertThatThrownBy(() -> Issuing.server("site1", Role.NODE).write(key, csr))
        .isInstanceOf(PkiException.class).hasMessageContaining("never overwritten");
    assertThat(Files.readString(key)).isEqualTo(before);
    assertThat(csr).doesNotExist();
  }

  @Test
  void requestsAreCheckedForTheirRole() {
    assertThatThrownBy(() -> new KeyRequest("site1", Role.NODE, List.of(), List.of(), List.of()))
        .isInstanceOf(PkiException.class).hasMessageContaining("DNS names or IP addresses");
    assertThatThrownBy(() -> new KeyRequest("alice", Role.RESEARCHER, List.of("alice.example"), List.of(), List.of()))
        .isInstanceOf(PkiException.class).hasMessageContaining("TLS client only");
    assertThatThrownBy(() -> new KeyRequest("site1", Role.NODE, List.of("bad_name!"), List.of(), List.of()))
        .isInstanceOf(PkiException.class).hasMessageContaining("not a DNS name");
    assertThatThrownBy(() -> new KeyRequest("site1", Role.NODE, List.of(), List.of("10.0.0.300"), List.of()))
        .isInstanceOf(PkiException.class).hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> new KeyRequest("CN=x,OU=coordinator", Role.NODE, List.of("a"), List.of(), List.of()))
        .isInstanceOf(PkiException.class).hasMessageContaining("not allowed");
    assertThatThrownBy(() -> Role.parse("admin")).hasMessageContaining("node, coordinator, researcher");
  }

  @Test
  void signGivesEachRoleItsUsagesNamesAndValidity() throws Exception {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    Path nodeCsr = tmp.resolve("site1.csr");
    new KeyRequest("site1", Role.NODE, List.of("node1.hospital.example"), List.of("10.1.2.3"), List.of())
        .write(tmp.resolve("site1.key"), nodeCsr);
    FederationCa.Issued node = ca.sign(Pem.readRequest(nodeCsr), Optional.of(Role.NODE), Optional.empty());
    X509Certificate n = node.certificate();
    n.verify(ca.certificate().getPublicKey());
    assertThat(n.getSubjectX500Principal().getName()).isEqualTo("CN=site1,OU=node");
    assertThat(n.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
    assertThat(n.getBasicConstraints()).isEqualTo(-1);
    assertThat(n.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(n.getSubjectAlternativeNames()).extracting(l -> (Object) l.get(1))
        .containsExactly("node1.hospital.example", "10.1.2.3");
    assertThat(n.getSerialNumber().signum()).isPositive();
    assertThat(n.getSerialNumber().bitLength()).isLessThanOrEqualTo(128).isGreaterThan(64);
    assertThat(Duration.between(n.getNotBefore().toInstant(), n.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(365).plus(FederationCa.CLOCK_SKEW));
    assertThat(node.entry().serial()).isEqualTo(n.getSerialNumber().toString(16));
    assertThat(tmp.resolve("ca/issued/" + node.entry().serial() + ".crt")).exists();

    Path aliceCsr = tmp.resolve("alice.csr");
    Issuing.researcher("alice").write(tmp.resolve("alice.key"), aliceCsr);
    X509Certificate a = ca.sign(Pem.readRequest(aliceCsr), Optional.empty(), Optional.empty()).certificate();
    assertThat(a.getSubjectX500Principal().getName()).isEqualTo("CN=alice,OU=researcher");
    assertThat(a.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(a.getSubjectAlternativeNames()).extracting(l -> (Object) l.get(1)).containsExactly("alice@hospital.example");
    assertThat(Duration.between(a.getNotBefore().toInstant(), a.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofDays(90).plus(FederationCa.CLOCK_SKEW));

    assertThatThrownBy(() -> ca.sign(Pem.readRequest(aliceCsr), Optional.of(Role.COORDINATOR), Optional.empty()))
        .isInstanceOf(PkiException.class).hasMessageContaining("asks for role researcher, not coordinator");
    assertThatThrownBy(() -> ca.sign(Pem.readRequest(aliceCsr), Optional.empty(), Optional.of(Duration.ZERO)))
        .isInstanceOf(PkiException.class).hasMessageContaining("must be positive");
    assertThat(ca.list()).extracting(IssuedCertificate::commonName).containsExactly("site1", "alice");
  }

  @Test
  void aTamperedRequestIsRefused() throws Exception {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    Path csr = tmp.resolve("mallory.csr");
    Issuing.researcher("mallory").write(tmp.resolve("mallory.key"), csr);
    byte[] der = Pem.readRequest(csr).getEncoded();
    // Change one letter of the subject's common name: the signature no longer matches.
    byte[] name = "mallory".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int at = indexOf(der, name);
    assertThat(at).isPositive();
    der[at] = 'M';
    PKCS10CertificationRequest tampered = new PKCS10CertificationRequest(der);
    Path file = tmp.resolve("tampered.csr");
    Files.writeString(file, "-----BEGIN CERTIFICATE REQUEST-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(tampered.getEncoded())
        + "\n-----END CERTIFICATE REQUEST-----\n");
    assertThatThrownBy(() -> ca.sign(Pem.readRequest(file), Optional.empty(), Optional.empty()))
        .isInstanceOf(PkiException.class).hasMessageContaining("signature does not verify");
    assertThat(ca.list()).isEmpty();
  }

  @Test
  void revokeMarksTheIndexAndWritesANewSignedCrl() throws Exception {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    Issuing.issue(ca, tmp.resolve("bob"), "bob", Issuing.researcher("bob"));
    String alice = ca.list().getFirst().serial();
    X509CRL before = Pem.readCrl(ca.crlFile());

    IssuedCertificate revoked = ca.revoke(alice.toUpperCase(java.util.Locale.ROOT), "keyCompromise");
    assertThat(revoked.revoked()).isTrue();
    assertThat(revoked.reason()).contains("keyCompromise");
    assertThat(ca.list()).extracting(c -> c.status(Instant.now())).containsExactly("revoked", "valid");
    X509CRL crl = Pem.readCrl(ca.crlFile());
    crl.verify(ca.certificate().getPublicKey());
    assertThat(crl.getRevokedCertificates()).extracting(e -> e.getSerialNumber())
        .containsExactly(new BigInteger(alice, 16));
    assertThat(crl.getNextUpdate()).isAfter(crl.getThisUpdate());
    assertThat(crl.getExtensionValue("2.5.29.20")).isNotEqualTo(before.getExtensionValue("2.5.29.20"));
    assertThat(Files.readString(tmp.resolve("ca/index.json"))).contains("\"status\" : \"revoked\"");
    try (var files = Files.list(tmp.resolve("ca"))) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    assertThatThrownBy(() -> ca.revoke(alice, "unspecified")).hasMessageContaining("revoked already");
    assertThatThrownBy(() -> ca.revoke("abc123", "unspecified")).hasMessageContaining("no certificate with serial");
    assertThatThrownBy(() -> ca.revoke("xyz", "unspecified")).hasMessageContaining("hexadecimal");
    assertThatThrownBy(() -> ca.revoke(ca.list().get(1).serial(), "because")).hasMessageContaining("reason");
  }

  @Test
  void rotationIssuesASecondCertificateForTheSameSubject() {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    Issuing.issue(ca, tmp.resolve("old"), "site1", Issuing.server("site1", Role.NODE));
    Issuing.issue(ca, tmp.resolve("new"), "site1", Issuing.server("site1", Role.NODE));
    assertThat(ca.list()).hasSize(2).allMatch(c -> c.subject().equals("CN=site1,OU=node"))
        .allMatch(c -> c.status(Instant.now()).equals("valid"));
    assertThat(ca.list().get(0).serial()).isNotEqualTo(ca.list().get(1).serial());
  }

  @Test
  void aCertificateNeverOutlivesTheCa() {
    FederationCa ca = FederationCa.init(tmp.resolve("ca"), "Short CA", Duration.ofDays(30), Clock.systemUTC());
    Path csr = tmp.resolve("site1.csr");
    Issuing.server("site1", Role.NODE).write(tmp.resolve("site1.key"), csr);
    FederationCa.Issued issued = ca.sign(Pem.readRequest(csr), Optional.empty(), Optional.empty());
    assertThat(issued.shortened()).isTrue();
    assertThat(issued.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void aCaWithAPastClockIssuesExpiredCertificates() {
    FederationCa now = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    FederationCa past = FederationCa.open(tmp.resolve("ca"),
        Clock.fixed(Instant.now().minus(Duration.ofDays(400)), ZoneOffset.UTC));
    Issuing.issue(past, tmp.resolve("old"), "alice", Issuing.researcher("alice"));
    assertThat(now.list().getFirst().status(Instant.now())).isEqualTo("expired");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
