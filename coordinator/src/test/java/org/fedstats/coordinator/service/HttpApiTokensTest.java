package org.fedstats.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.JWSAlgorithm;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
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
import java.util.concurrent.TimeUnit;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.identity.IdentitySettings;
import org.fedstats.coordinator.identity.OidcSettings;
import org.fedstats.pki.testing.Tokens;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.ListNodesRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a coordinator that takes bearer tokens from an OpenID Connect issuer, the HTTP API answers a caller without a
 * valid token 401 with the gRPC service's reason, a caller with one as that researcher, and the OpenAPI document to
 * anyone.
 */
class HttpApiTokensTest {
  private static final String AUDIENCE = "fedstats";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void withoutAValidTokenTheApiAnswers401AndTheDocumentIsPublic(@TempDir Path tmp) throws Exception {
    Tokens idp = new Tokens("https://idp.example/realms/research");
    Path jwks = Files.writeString(tmp.resolve("jwks.json"), idp.jwks());
    OidcSettings oidc = new OidcSettings(idp.issuer(), AUDIENCE, Optional.of(jwks), Optional.empty(),
        Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(30), Optional.empty());
    CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 5_000L, 60_000L,
            List.of(new CoordinatorConfig.NodeEntry("site1", "127.0.0.1:1"))))
        .withIdentity(IdentitySettings.DEFAULT.withOidc(oidc)).withAuditLog(tmp.resolve("audit.jsonl"))
        .withWebListen(Optional.of(new HostPort("127.0.0.1", 0)));
    try (Coordinator coordinator = Coordinator.start(settings, new SimpleMeterRegistry());
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()) {
      String base = coordinator.webUrl().orElseThrow();

      HttpResponse<String> none = call(client, base + "/api/v1/nodes", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      JsonObject error = JsonParser.parseString(none.body()).getAsJsonObject().getAsJsonObject("error");
      assertThat(error.get("status").getAsString()).isEqualTo("UNAUTHENTICATED");
      Status grpc = grpcListNodes(coordinator);
      assertThat(grpc.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(error.get("message").getAsString()).isEqualTo(grpc.getDescription()).contains("bearer token");

      HttpResponse<String> analysis = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/analyses"))
          .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"colon\", \"analysis\": "
              + "{\"count\": {}}}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(analysis.statusCode()).isEqualTo(401);
      assertThat(call(client, base + "/api/v1/results/0b1e5b0c-6d1f-4f6e-9a39-2f8f4a3c9d21", null).statusCode())
          .isEqualTo(401);

      Tokens stranger = new Tokens(idp.issuer());
      HttpResponse<String> forged = call(client, base + "/api/v1/nodes", stranger.token("alice", AUDIENCE));
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(forged.body()).doesNotContain(stranger.token("alice", AUDIENCE).substring(0, 20));
      // A stated name is no token.
      HttpResponse<String> claimed = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes"))
          .timeout(TIMEOUT).header("fedstats-user", "alice").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(claimed.statusCode()).isEqualTo(401);

      HttpResponse<String> taken = call(client, base + "/api/v1/nodes", idp.token("alice", AUDIENCE));
      assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
      assertThat(taken.body()).contains("\"nodeId\":\"site1\"");
      // The researcher the token names is the one audited: a fetch of a request that never waited is refused.
      HttpResponse<String> fetch = call(client, base + "/api/v1/results/0b1e5b0c-6d1f-4f6e-9a39-2f8f4a3c9d21",
          idp.token("alice", AUDIENCE));
      assertThat(fetch.statusCode()).isEqualTo(404);
      assertThat(Files.readString(tmp.resolve("audit.jsonl"))).contains("alice@/127.0.0.1:").contains("oidc");

      HttpResponse<String> document = call(client, base + ResearcherHttpApi.OPENAPI_PATH, null);
      assertThat(document.statusCode()).isEqualTo(200);
      assertThat(document.headers().firstValue("Content-Type")).hasValue(ResearcherHttpApi.YAML);
      assertThat(document.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(ResearcherHttpApi.openApiDocument());
    }
  }

  private static HttpResponse<String> call(HttpClient client, String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Status grpcListNodes(Coordinator coordinator) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    try {
      return Status.fromThrowable(catchThrowableOfType(StatusRuntimeException.class,
          () -> FederationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
              .listNodes(ListNodesRequest.getDefaultInstance())));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
