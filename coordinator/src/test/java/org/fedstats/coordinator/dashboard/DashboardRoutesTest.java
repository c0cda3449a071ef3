package org.fedstats.coordinator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.federation.RequestRejected;
import org.fedstats.coordinator.identity.IdentitySettings;
import org.fedstats.coordinator.identity.OidcSettings;
import org.fedstats.coordinator.identity.Researcher;
import org.fedstats.pki.statement.AuthMethod;
import org.fedstats.pki.testing.Tokens;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.CountAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes on a coordinator's web port, over real sockets on 127.0.0.1, with researchers signing in by
 * OpenID Connect token: the page, script and style sheet are served to anyone; the data only with a valid token.
 */
class DashboardRoutesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String ISSUER = "https://idp.example/realms/research";

  @TempDir
  Path tmp;

  private final Tokens idp = new Tokens(ISSUER);

  private CoordinatorSettings settings() throws Exception {
    Path jwks = Files.writeString(tmp.resolve("jwks.json"), idp.jwks());
    OidcSettings oidc = new OidcSettings(ISSUER, "fedstats", Optional.of(jwks), Optional.empty(),
        Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), Duration.ofSeconds(30), Optional.empty());
    return CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 5_000L, 60_000L, null, 200L, null, null,
        null, null, List.of(new CoordinatorConfig.NodeEntry("site1", null)), null, null, "127.0.0.1:0", null))
        .withWebListen(Optional.of(new HostPort("127.0.0.1", 0)))
        .withIdentity(IdentitySettings.DEFAULT.withOidc(oidc));
  }

  private static HttpResponse<String> get(HttpClient client, String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePageIsServedToAnyoneAndItsDataOnlyToAnAuthenticatedResearcher() throws Exception {
    try (Coordinator coordinator = Coordinator.start(settings(), new SimpleMeterRegistry());
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      String base = coordinator.webUrl().orElseThrow();

      HttpResponse<String> page = get(client, base + "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(
          DashboardRoutes.CONTENT_SECURITY_POLICY);
      assertThat(page.body()).contains("/dashboard/dashboard.js").contains("/dashboard/dashboard.css")
          .doesNotContain("http://").doesNotContain("https://");
      HttpResponse<String> script = get(client, base + "/dashboard/dashboard.js");
      assertThat(script.statusCode()).isEqualTo(200);
      assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
      assertThat(script.body()).doesNotContain("innerHTML").doesNotContain("eval(");
      assertThat(get(client, base + "/dashboard/dashboard.css").statusCode()).isEqualTo(200);
      assertThat(get(client, base + "/dashboard/other.js").statusCode()).isEqualTo(404);
      HttpResponse<String> elsewhere = get(client, base + "/nothing-here");
      assertThat(elsewhere.statusCode()).isEqualTo(404);
      assertThat(elsewhere.body()).contains("\"status\":\"NOT_FOUND\"");
      // The researcher API keeps its own routes.
      assertThat(get(client, base + "/api/v1/nodes").statusCode()).isEqualTo(401);

      HttpResponse<String> anonymous = get(client, base + "/dashboard/api/state");
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(get(client, base + "/dashboard/api/state", "Authorization", "Bearer not-a-token").statusCode())
          .isEqualTo(401);

      // A request the federation rejects is listed with who asked.
      Researcher alice = new Researcher("alice", AuthMethod.OIDC);
      AnalysisRequest request = AnalysisRequest.newBuilder().setDataset("colon").setProject("colon-study")
          .addNodeIds("site9").setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()))
          .build();
      assertThatThrownBy(() -> coordinator.federation().runAsync(request, "alice@test", alice, p -> {}))
          .isInstanceOf(RequestRejected.class);

      String bearer = "Bearer " + idp.token("alice", "fedstats");
      HttpResponse<String> state = get(client, base + "/dashboard/api/state", "Authorization", bearer);
      assertThat(state.statusCode()).isEqualTo(200);
      assertThat(state.body()).contains("\"id\":\"site1\"").contains("\"researcher\":\"alice\"")
          .contains("\"project\":\"colon-study\"").contains("\"outcome\":\"REJECTED\"")
          .contains("\"code\":\"NOT_FOUND\"");
      HttpResponse<String> node = get(client, base + "/dashboard/api/nodes/site1", "Authorization", bearer);
      assertThat(node.statusCode()).isEqualTo(200);
      assertThat(node.body()).contains("\"transitions\"");
      HttpResponse<String> unknown = get(client, base + "/dashboard/api/nodes/site9", "Authorization", bearer);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("no node 'site9'");
      assertThat(get(client, base + "/dashboard/api/nodes/site1/x", "Authorization", bearer).statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void withDashboardViewersOnlyTheResearchersListedSeeTheData() throws Exception {
    try (Coordinator coordinator = Coordinator.start(settings().withDashboardViewers(Optional.of(Set.of("alice"))),
        new SimpleMeterRegistry());
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      String base = coordinator.webUrl().orElseThrow();
      String alice = "Bearer " + idp.token("alice", "fedstats");
      String bob = "Bearer " + idp.token("bob", "fedstats");
      assertThat(get(client, base + "/dashboard/api/state", "Authorization", alice).statusCode()).isEqualTo(200);
      assertThat(get(client, base + "/dashboard/api/nodes/site1", "Authorization", alice).statusCode())
          .isEqualTo(200);
      for (String path : List.of("/dashboard/api/state", "/dashboard/api/nodes/site1", "/dashboard/api/x")) {
        HttpResponse<String> denied = get(client, base + path, "Authorization", bob);
        assertThat(denied.statusCode()).as(path).isEqualTo(403);
        assertThat(denied.body()).contains("PERMISSION_DENIED").contains("dashboard-viewers")
            .doesNotContain("\"nodes\"");
      }
      // The page itself carries no data: anyone gets it; and no token is still 401.
      assertThat(get(client, base + "/").statusCode()).isEqualTo(200);
      assertThat(get(client, base + "/dashboard/api/state").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void dashboardViewersAreRefusedWhereTheCoordinatorAuthenticatesNoOne() throws Exception {
    CoordinatorSettings plaintext = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 5_000L, 60_000L,
        null, 200L, null, null, null, null, List.of(new CoordinatorConfig.NodeEntry("site1", null)), null, null,
        "127.0.0.1:0", null));
    assertThatThrownBy(() -> plaintext.withDashboardViewers(Optional.of(Set.of("alice"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dashboard-viewers")
        .hasMessageContaining("claim");
    assertThat(settings().withDashboardViewers(Optional.of(Set.of("alice"))).dashboardViewers())
        .contains(Set.of("alice"));
  }

  @Test
  void aConfigurationFileNamesTheDashboardViewers() throws Exception {
    Path jwks = Files.writeString(tmp.resolve("jwks.json"), idp.jwks());
    Path file = Files.writeString(tmp.resolve("coordinator.yaml"), """
        listen: 127.0.0.1:0
        insecure: true
        node-listen: 127.0.0.1:0
        nodes: [{id: site1}]
        oidc: {issuer: "%s", audience: fedstats, jwks-file: %s}
        dashboard-viewers: [alice, carol]
        """.formatted(ISSUER, jwks));
    assertThat(CoordinatorSettings.load(file).dashboardViewers()).contains(Set.of("alice", "carol"));
    Files.writeString(file, Files.readString(file).replaceFirst("oidc: .*\n", ""));
    assertThatThrownBy(() -> CoordinatorSettings.load(file)).hasMessageContaining("dashboard-viewers");
  }
}
