package org.fedstats.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import com.nimbusds.jose.JWSAlgorithm;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.identity.IdentitySettings;
import org.fedstats.coordinator.identity.OidcSettings;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.testing.Tokens;
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

  @Test
  void aRevokedCertificateIsRefusedOnAConnectionKeptOpen(@TempDir Path tmp) throws Exception {
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Test Federation CA");
    // The coordinator looks at the revocation list at every request: no waiting in the test.
    TlsFiles coordinatorFiles = Issuing.issue(ca, tmp.resolve("coordinator"), "coordinator",
        Issuing.server("coordinator", Role.COORDINATOR)).withRefresh(Duration.ZERO);
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    String serial = ca.list().getLast().serial();
    try (Coordinator coordinator = Coordinator.start(settings().withTls(Optional.of(coordinatorFiles)),
        new SimpleMeterRegistry());
        HttpClient asAlice = client(FederationTls.load(alice.withoutCrl()).jdkContext())) {
      String base = coordinator.webUrl().orElseThrow();
      assertThat(get(asAlice, base + "/api/v1/nodes").statusCode()).isEqualTo(200);

      ca.revoke(serial, "keyCompromise");

      // The same client, on the connection it keeps open: refused as gRPC refuses, word for word.
      HttpResponse<String> refused = get(asAlice, base + "/api/v1/nodes");
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("\"status\":\"UNAUTHENTICATED\"")
          .contains("certificate-revoked: the caller's certificate was revoked by the federation CA");
    }
  }

  @Test
  void withBearerTokensAPlaintextWebPortServesOnLoopbackOnly(@TempDir Path tmp) throws Exception {
    Tokens idp = new Tokens("https://idp.example/realms/research");
    Path jwks = Files.writeString(tmp.resolve("jwks.json"), idp.jwks());
    IdentitySettings oidc = IdentitySettings.DEFAULT.withOidc(new OidcSettings(idp.issuer(), "fedstats",
        Optional.of(jwks), Optional.empty(), Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(30), Optional.empty()));
    assertThatThrownBy(() -> Coordinator.start(settings().withIdentity(oidc)
        .withWebListen(Optional.of(new HostPort("0.0.0.0", 0))), new SimpleMeterRegistry()).close())
        .isInstanceOf(IOException.class).hasMessageContaining("web-listen 0.0.0.0:0")
        .hasMessageContaining("oidc").hasMessageContaining("tls").hasMessageContaining("loopback");
    try (Coordinator onLoopback = Coordinator.start(settings().withIdentity(oidc), new SimpleMeterRegistry())) {
      assertThat(onLoopback.webUrl()).isPresent();
    }
  }

  @Test
  void aPlaintextPortAnswersItsOwnNamesOnly() throws Exception {
    try (Coordinator coordinator = Coordinator.start(settings(), new SimpleMeterRegistry())) {
      int port = URI.create(coordinator.webUrl().orElseThrow()).getPort();
      for (String own : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port,
          "[::1]:" + port}) {
        assertThat(raw(port, "GET /api/v1/nodes HTTP/1.1\r\nHost: " + own + "\r\n")).as(own)
            .startsWith("HTTP/1.1 200");
      }
      // A name of a page elsewhere, rebound by its DNS to 127.0.0.1, is not this port's.
      for (String other : new String[] {"attacker.example:" + port, "127.0.0.1:" + (port + 1), "attacker.example"}) {
        String refused = raw(port, "GET /api/v1/nodes HTTP/1.1\r\nHost: " + other + "\r\n");
        assertThat(refused).as(other).startsWith("HTTP/1.1 421").contains("\"status\":\"PERMISSION_DENIED\"")
            .contains("not for Host '" + other + "'");
      }
    }
    assertThat(WebServer.hosts("10.1.2.3", false, 8080)).containsExactly("10.1.2.3:8080");
    assertThat(WebServer.hosts("::1", true, 80)).contains("[::1]:80", "[::1]", "localhost", "127.0.0.1:80");
  }

  @Test
  void aRequestWithoutAUseForABodyIsAnsweredWithoutWaitingForIt() throws Exception {
    try (Coordinator coordinator = Coordinator.start(settings(), new SimpleMeterRegistry())) {
      int port = URI.create(coordinator.webUrl().orElseThrow()).getPort();
      // A body announced and never sent: answered at once, not waited for.
      for (String path : new String[] {"/api/v1/nodes", "/api/v1/openapi.yaml", "/dashboard/dashboard.js"}) {
        String answer = raw(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
            + "\r\nContent-Length: 100\r\n");
        assertThat(answer).as(path).startsWith("HTTP/1.1 413").contains("takes no request body");
      }
    }
  }

  @Test
  void handlersBeyondTheLimitAreRefusedUnavailable() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Route slow = new Route("/slow", Set.of("GET"), false, request -> {
      entered.countDown();
      try {
        release.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return WebResponse.json(200, "{}");
    });
    Route quick = new Route("/quick", Set.of("GET"), false, request -> WebResponse.json(200, "{}"));
    try (WebServer web = WebServer.start(new HostPort("127.0.0.1", 0), Optional.empty(), false,
        new org.fedstats.coordinator.identity.Authenticator(Optional.empty(), false), List.of(slow, quick), 1);
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      var first = client.sendAsync(HttpRequest.newBuilder(URI.create(web.url() + "/slow")).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> over = get(client, web.url() + "/quick");
      assertThat(over.statusCode()).isEqualTo(503);
      assertThat(over.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(over.body()).contains("\"status\":\"UNAVAILABLE\"");
      release.countDown();
      assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(get(client, web.url() + "/quick").statusCode()).isEqualTo(200);
    } finally {
      release.countDown();
    }
  }

  /**
   * {@code head} (request line and headers, without the blank line) sent as is; the answer's status line, headers
   * and body (as long as its Content-Length says), read as soon as they come.
   */
  private static String raw(int port, String head) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      socket.getOutputStream().write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      StringBuilder answer = new StringBuilder();
      int length = 0;
      for (String line = line(in); !line.isEmpty(); line = line(in)) {
        answer.append(line).append("\n");
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring("content-length:".length()).strip());
        }
      }
      return answer.append("\n").append(new String(in.readNBytes(length), StandardCharsets.UTF_8)).toString();
    }
  }

  /** One line of an HTTP head, without its CRLF; empty at the end of the stream. */
  private static String line(java.io.InputStream in) throws IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build();
  }
}
