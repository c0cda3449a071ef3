package org.fedstats.pki.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsConfigTest {
  private final Path base = Path.of("/etc/fedstats");

  @Test
  void aFolderAndANameAreTheFilesFedstatsPkiLaysOut() {
    TlsFiles files = new TlsConfig(null, null, null, null, "tls", "site1").files(base);
    assertThat(files).isEqualTo(TlsFiles.inFolder(base.resolve("tls"), "site1"));
  }

  @Test
  void singleFilesAreRelativeToTheConfigurationAndTheCrlIsOptional() {
    TlsFiles files = new TlsConfig("k.key", "c.crt", "/pki/ca.crt", null, null, null).files(base);
    assertThat(files).isEqualTo(new TlsFiles(base.resolve("k.key"), base.resolve("c.crt"), Path.of("/pki/ca.crt"),
        Optional.empty()));
  }

  @Test
  void halfGivenSectionsAreRefused() {
    assertThatThrownBy(() -> new TlsConfig(null, null, null, null, "tls", null).files(base))
        .hasMessageContaining("dir and name go together");
    assertThatThrownBy(() -> new TlsConfig("k.key", null, null, null, null, null).files(base))
        .hasMessageContaining("key, certificate and ca are all needed");
    assertThatThrownBy(() -> new TlsConfig("k.key", "c.crt", "ca.crt", null, "tls", "x").files(base))
        .hasMessageContaining("either dir and name");
  }

  @Test
  void insecureIsPlaintextAndGoesWithoutATlsSection() {
    TlsConfig tls = new TlsConfig(null, null, null, null, "tls", "site1");
    assertThat(TlsConfig.choose(null, true, base)).isEmpty();
    assertThat(TlsConfig.choose(tls, null, base)).isPresent();
    assertThat(TlsConfig.choose(tls, false, base)).isPresent();
    assertThatThrownBy(() -> TlsConfig.choose(tls, true, base)).hasMessageContaining("not both");
  }

  @Test
  void neitherATlsSectionNorInsecureIsRefusedSayingWhatToAdd() {
    for (Boolean insecure : new Boolean[] {null, false}) {
      assertThatThrownBy(() -> TlsConfig.choose(null, insecure, base))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(TlsConfig.NO_TRANSPORT)
          .hasMessageContaining("tls: {dir: <folder>, name: <name>}").hasMessageContaining("insecure: true")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void theRefreshIntervalIsThirtySecondsUnlessSaid() {
    assertThat(new TlsConfig(null, null, null, null, "tls", "site1").files(base).refresh())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(new TlsConfig(null, null, null, null, "tls", "site1", 5L).files(base).refresh())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(new TlsConfig("k.key", "c.crt", "ca.crt", null, null, null, 0L).files(base).refresh()).isZero();
    assertThatThrownBy(() -> new TlsConfig(null, null, null, null, "tls", "site1", -1L).files(base))
        .hasMessageContaining("refresh-seconds must be 0 to 86400, not -1");
  }

  @Test
  void handshakeFailuresSayWhichSideRefusedAndWhy() {
    assertThat(HandshakeFailures.explain(new RuntimeException("io"), "the node")).isEmpty();
    assertThat(HandshakeFailures.explain(new SSLHandshakeException(
        "error:10000438:SSL routines:OPENSSL_internal:TLSV1_ALERT_INTERNAL_ERROR"), "the coordinator at h:1"))
        .hasValueSatisfying(m -> assertThat(m).startsWith("the coordinator at h:1 refused this side's certificate"));
    assertThat(HandshakeFailures.explain(new SSLHandshakeException("Received fatal alert: certificate_required"),
        "the node")).hasValue("the node refused this side's certificate: this side presented no certificate");
    SSLHandshakeException unknownCa = new SSLHandshakeException("verification failed");
    unknownCa.initCause(new java.security.cert.CertificateException("PKIX path building failed"));
    assertThat(HandshakeFailures.explain(unknownCa, "the node"))
        .hasValueSatisfying(m -> assertThat(m).startsWith("this side refused the node").contains("unknown CA"));
  }
}
