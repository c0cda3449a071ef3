package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.client.cli.FedstatsCliTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedstats.client.cli.FedstatsCliTest.Run;
import java.security.cert.X509Certificate;
import org.fedstats.pki.Pem;
import org.fedstats.pki.Role;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.PeerIdentity;
import org.fedstats.pki.tls.TlsFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fedstats pki}: the CA operator's and the members' steps, as each would type them. */
class PkiCliTest {
  @TempDir
  Path tmp;

  private static Run ok(String... args) {
    Run r = run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    return r;
  }

  private static Run fails(String... args) {
    Run r = run(args);
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("fedstats: ").hasLineCount(1);
    return r;
  }

  @Test
  void theWholeCycle() throws Exception {
    String ca = tmp.resolve("ca").toString();
    assertThat(ok("pki", "init", "--ca-dir", ca, "--name", "Example Federation CA").out())
        .contains("created CA 'Example Federation CA'").contains("ca.key (owner-only)");
    assertThat(Files.getPosixFilePermissions(tmp.resolve("ca/ca.key"))).isEqualTo(Pem.OWNER_ONLY);
    assertThat(fails("pki", "init", "--ca-dir", ca, "--name", "Again").err()).contains("never overwritten");

    String site = tmp.resolve("site1").toString();
    assertThat(ok("pki", "request", "--name", "site1", "--role", "node", "--dns", "node1.hospital.example",
        "--ip", "10.20.0.5,127.0.0.1", "--out", site).out()).contains("send to the CA operator:")
        .contains("site1.csr");
    assertThat(Files.getPosixFilePermissions(tmp.resolve("site1/site1.key"))).isEqualTo(Pem.OWNER_ONLY);
    assertThat(fails("pki", "request", "--name", "site1", "--role", "node", "--dns", "x.example", "--out", site)
        .err()).contains("never overwritten");
    ok("pki", "request", "--name", "alice", "--role", "researcher", "--email", "alice@university.example",
        "--out", tmp.resolve("alice").toString());

    String aliceCsr = tmp.resolve("alice/alice.csr").toString();
    assertThat(fails("pki", "sign", "--ca-dir", ca, "--role", "node", aliceCsr).err())
        .contains("asks for role researcher, not node");
    assertThat(ok("pki", "sign", "--ca-dir", ca, "--role", "node", tmp.resolve("site1/site1.csr").toString()).out())
        .contains("signed node certificate").contains("CN=site1,OU=node").contains("crl.pem");
    assertThat(tmp.resolve("site1/site1.crt")).exists();
    assertThat(ok("pki", "sign", "--ca-dir", ca, "--days", "30", aliceCsr).out())
        .contains("signed researcher certificate").doesNotContain("crl.pem");
    assertThat(Pem.readCertificate(tmp.resolve("alice/alice.crt")).getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.2");

    List<String> listed = ok("pki", "list", "--ca-dir", ca).out().lines().toList();
    assertThat(listed).hasSize(3);
    assertThat(listed.get(0)).startsWith("serial").contains("status").contains("not-after").contains("subject");
    assertThat(listed.get(1)).contains(" valid ").contains(" node ").endsWith("CN=site1,OU=node");
    String aliceSerial = listed.get(2).split(" +")[0];

    assertThat(ok("pki", "revoke", "--ca-dir", ca, "--reason", "keyCompromise", aliceSerial).out())
        .contains("revoked " + aliceSerial).contains("crl.pem");
    assertThat(ok("pki", "list", "--ca-dir", ca).out().lines().toList().get(2)).contains(" revoked ");
    assertThat(Pem.readCrl(tmp.resolve("ca/crl.pem")).getRevokedCertificates()).hasSize(1);
    assertThat(fails("pki", "revoke", "--ca-dir", ca, aliceSerial).err()).contains("revoked already");
    assertThat(fails("pki", "revoke", "--ca-dir", ca, "abcdef").err()).contains("no certificate with serial");
    assertThat(ok("pki", "crl", "--ca-dir", ca).out()).contains("1 revoked");
  }

  @Test
  void aDemoFederationsCertificatesInOneGoEachInItsMembersFolder() throws Exception {
    Path dir = tmp.resolve("pki");
    Run r = ok("pki", "demo", "--dir", dir.toString(), "--nodes", "site1,site2", "--researchers", "alice");
    assertThat(r.out().lines()).hasSize(5).first().asString().startsWith("created CA 'Demo Federation CA'");
    X509Certificate ca = Pem.readCertificate(dir.resolve("ca/ca.crt"));
    for (String member : List.of("coordinator", "site1", "site2", "alice")) {
      Path folder = dir.resolve(member);
      assertThat(Files.getPosixFilePermissions(folder.resolve(member + ".key"))).isEqualTo(Pem.OWNER_ONLY);
      assertThat(folder.resolve("ca.crt")).hasSameBinaryContentAs(dir.resolve("ca/ca.crt"));
      assertThat(folder.resolve("crl.pem")).hasSameBinaryContentAs(dir.resolve("ca/crl.pem"));
      // The key belongs to the certificate, which the CA issued: the files load as a member's mutual-TLS setup.
      FederationTls tls = FederationTls.load(TlsFiles.inFolder(folder, member));
      assertThat(tls.certificate().getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
      assertThat(PeerIdentity.of(tls.certificate()).orElseThrow().commonName()).isEqualTo(member);
    }
    assertThat(r.out()).contains("coordinator", "node", "researcher");
    assertThat(PeerIdentity.of(Pem.readCertificate(dir.resolve("site2/site2.crt"))).orElseThrow().role())
        .isEqualTo(Role.NODE);
    assertThat(Pem.readCertificate(dir.resolve("coordinator/coordinator.crt")).getSubjectAlternativeNames())
        .extracting(name -> String.valueOf(name.get(1))).containsExactlyInAnyOrder("localhost", "127.0.0.1");
    assertThat(Pem.readCertificate(dir.resolve("alice/alice.crt")).getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(ok("pki", "list", "--ca-dir", dir.resolve("ca").toString()).out().lines()).hasSize(5);

    assertThat(fails("pki", "demo", "--dir", tmp.resolve("twice").toString(), "--nodes", "site1,site1").err())
        .contains("'site1' is named twice");
    assertThat(fails("pki", "demo", "--dir", dir.toString(), "--nodes", "site3").err()).contains("holds a CA already");
  }

  @Test
  void anEncryptedCaSignsWithThePassphraseFromAFile() throws Exception {
    String ca = tmp.resolve("ca").toString();
    Path passphrase = Files.writeString(tmp.resolve("passphrase"), "a long enough passphrase\n");
    assertThat(fails("pki", "init", "--ca-dir", ca, "--name", "Example Federation CA", "--encrypt").err())
        .contains("--encrypt needs the passphrase");
    assertThat(ok("pki", "init", "--ca-dir", ca, "--name", "Example Federation CA", "--encrypt",
        "--passphrase-file", passphrase.toString()).out()).contains("encrypted with the passphrase");
    assertThat(tmp.resolve("ca/ca.key")).content().startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    ok("pki", "request", "--name", "alice", "--role", "researcher", "--out", tmp.resolve("alice").toString());
    String csr = tmp.resolve("alice/alice.csr").toString();
    assertThat(fails("pki", "sign", "--ca-dir", ca, csr).err()).contains("encrypted with a passphrase");
    assertThat(fails("pki", "sign", "--ca-dir", ca, "--passphrase-file", tmp.resolve("nowhere").toString(), csr)
        .err()).contains("cannot read the passphrase file");
    assertThat(ok("pki", "sign", "--ca-dir", ca, "--passphrase-file", passphrase.toString(), csr).out())
        .contains("signed researcher certificate");
    assertThat(ok("pki", "list", "--ca-dir", ca).out().lines()).hasSize(2);
  }

  @Test
  void mistakesAreOneLine() {
    assertThat(fails("pki", "list", "--ca-dir", tmp.resolve("none").toString()).err())
        .contains("holds no CA").contains("fedstats pki init");
    assertThat(fails("pki", "request", "--name", "site1", "--role", "node", "--out", tmp.toString()).err())
        .contains("DNS names or IP addresses");
    Run role = run("pki", "request", "--name", "x", "--role", "admin");
    assertThat(role.exit()).isEqualTo(2);
    assertThat(role.err()).contains("unknown role 'admin'").contains("node, coordinator, researcher")
        .hasLineCount(1);
    assertThat(fails("pki", "sign", "--ca-dir", tmp.toString(), tmp.resolve("missing.csr").toString()).err())
        .contains("holds no CA");
    assertThat(run("pki").exit()).isEqualTo(2);
  }

  @Test
  void everyPkiCommandHasHelpWithAnExampleAndNoFederationOptions() {
    Run pki = ok("pki", "--help");
    assertThat(pki.out()).startsWith("Usage: fedstats pki").contains("Who runs what");
    for (String command : List.of("init", "request", "sign", "list", "revoke", "crl", "demo")) {
      Run help = ok("pki", command, "--help");
      assertThat(help.out()).as(command).startsWith("Usage: fedstats pki " + command).contains("Example")
          .contains("fedstats pki " + command + " ").doesNotContain("--coordinator").doesNotContain("--format");
      assertThat(pki.out()).contains("  " + command + " ");
    }
  }
}
