package org.fedstats.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.TlsFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's web port ({@code web-listen}), over real sockets on 127.0.0.1: plain HTTP on a plaintext
 * coordinator; HTTPS on one with TLS files, where only researchers' certificates get an answer.
 */
class WebServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static CoordinatorSettings settings() {
    return CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 5_000L, 60_000L, null, 200L, null, null,
        null, null, List.of(new CoordinatorConfig.NodeEntry("site1", null)), null, null, "127.0.0.1:0", null))
        .withWebListen(Optional.of(new HostPort("127.0.0.1", 0)));
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPlaintextCoordinatorServesTheApiOverHttpAndAnswersMistakesInJson() throws Exception {
    try (Coordinator coordinator = Coordinator.start(settings(), new SimpleMeterRegistry());
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      String base = coordinator.webUrl().orElseThrow();
      assertThat(base).startsWith("http://127.0.0.1:");

      HttpResponse<String> nodes = get(client, base + "/api/v1/nodes");
      assertThat(nodes.statusCode()).isEqualTo(200);
      assertThat(nodes.headers().firstValue("Content-Type")).hasValue(WebResponse.JSON);
      assertThat(nodes.body()).contains("\"nodeId\":\"site1\"").contains("\"link\":\"outbound\"");

      HttpResponse<String> missing = get(client, base + "/api/v1/nodesx");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("\"status\":\"NOT_FOUND\"");

      HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes"))
          .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET");

      HttpResponse<String> large = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes"))
          .timeout(TIMEOUT).method("GET", HttpRequest.BodyPublishers.ofByteArray(
              new byte[WebServer.MAX_BODY_BYTES + 1])).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(large.statusCode()).isEqualTo(413);
      // A body that is not declared JSON is refused before any handler sees it: a cross-site form cannot post one.
      for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/analyses"))
            .timeout(TIMEOUT).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(
                "{\"dataset\": \"colon\", \"analysis\": {\"count\": {}}}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).as(type).isEqualTo(415);
        assertThat(form.body()).contains("Content-Type: application/json");
      }
      assertThat(WebServer.json("application/json; charset=utf-8")).isTrue();
      assertThat(WebServer.json("Application/JSON")).isTrue();
      assertThat(WebServer.json("application/jsonp")).isFalse();
      assertThat(WebServer.json(null)).isFalse();
      // The port keeps serving after each mistake.
      assertThat(get(client, base + "/api/v1/datasets").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void overTlsOnlyAResearcherCertificateIsAnswered(@TempDir Path tmp) throws Exception {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Test Federation CA");
    TlsFiles coordinatorFiles = Issuing.issue(ca, tmp.resolve("coordinator"), "coordinator",
        Issuing.server("coordinator", Role.COORDINATOR));
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    TlsFiles site1 = Issuing.issue(ca, tmp.resolve("site1"), "site1", Issuing.server("site1", Role.NODE));
    try (Coordinator coordinator = Coordinator.start(settings().withTls(Optional.of(coordinatorFiles)),
        new SimpleMeterRegistry())) {
      String base = coordinator.webUrl().orElseThrow();
      assertThat(base).startsWith("https://127.0.0.1:");
      try (HttpClient asAlice = client(FederationTls.load(alice).jdkContext())) {
        HttpResponse<String> nodes = get(asAlice, base + "/api/v1/nodes");
        assertThat(nodes.statusCode()).isEqualTo(200);
        assertThat(nodes.body()).contains("\"nodeId\":\"site1\"");
      }
      try (HttpClient asNode = client(FederationTls.load(site1).jdkContext())) {
        HttpResponse<String> refused = get(asNode, base + "/api/v1/nodes");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("PERMISSION_DENIED").contains("site1 (node");
      }
      // Without a certificate (and no bearer tokens taken) the handshake itself fails.
      SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
      anonymous.init(null, new javax.net.ssl.TrustManager[] {FederationTls.load(alice).trustManager()}, null);
      try (HttpClient stranger = client(anonymous)) {
        assertThatThrownBy(() -> get(stranger, base + "/api/v1/nodes")).isInstanceOf(IOException.class);
      }
    }
  }

  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build();
  }
}
