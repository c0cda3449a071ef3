package org.fedstats.coordinator.service;

import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.Contract;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.Closer;
import org.fedstats.node.OutboundNode;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.OutboundLink;
import org.fedstats.node.testing.SharedData;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.NodeStatus;

/**
 * A coordinator with its web port, an audit log and three outbound nodes holding the colon sites, over real sockets
 * on 127.0.0.1: plaintext (researchers state their names), or over mutual TLS with certificates for alice and bob.
 */
final class ApiFederation implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String ANALYSES = "count, summary, table, glm";

  final Path dir;
  final Coordinator coordinator;
  final Path auditLog;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final Map<String, NodeSettings> sites = new LinkedHashMap<>();
  /** Over mutual TLS: the researchers' files (the CA's certificate among them); empty on a plaintext federation. */
  final Map<String, TlsFiles> researchers = new LinkedHashMap<>();
  private final Closer closer = new Closer();

  /**
   * Starts the federation in {@code dir}; each site's dataset has {@code disclosure} (site1's also
   * {@code site1Extra}, e.g. a review rule).
   */
  ApiFederation(Path dir, boolean tls, String disclosure, String site1Extra) throws Exception {
    this.dir = dir;
    Optional<FederationCa> ca = tls ? Optional.of(Issuing.newCa(dir.resolve("ca"), "Test Federation CA"))
        : Optional.empty();
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      entries.add(new CoordinatorConfig.NodeEntry("site" + i, null));
    }
    auditLog = dir.resolve("coordinator-audit.jsonl");
    CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", WAIT.toMillis(),
            60_000L, null, null, null, null, null, null, entries, null, null, "127.0.0.1:0", 1_500L, null, null,
            null, null))
        .withAuditLog(auditLog).withPendingDir(dir.resolve("pending"))
        .withWebListen(Optional.of(new HostPort("127.0.0.1", 0)));
    if (ca.isPresent()) {
      settings = settings.withTls(Optional.of(Issuing.issue(ca.get(), dir.resolve("coordinator"), "coordinator",
          Issuing.server("coordinator", Role.COORDINATOR))));
      for (String name : List.of("alice", "bob")) {
        researchers.put(name, Issuing.issue(ca.get(), dir.resolve(name), name, Issuing.researcher(name)));
      }
    }
    coordinator = closer.add(Coordinator.start(settings, meters));
    for (int i = 1; i <= 3; i++) {
      String id = "site" + i;
      NodeSettings site = SharedData.node(dir.resolve(id), id, SharedData.colonDataset(i, ANALYSES,
              disclosure + (i == 1 && !site1Extra.isEmpty() ? ", " + site1Extra : "")))
          .withCoordinator(Optional.of(new OutboundLink(new HostPort("127.0.0.1", coordinator.nodePort()),
              "coordinator", Duration.ofMillis(20), Duration.ofMillis(300))));
      if (ca.isPresent()) {
        site = site.withTls(Optional.of(Issuing.issue(ca.get(), dir.resolve(id + "-tls"), id,
            Issuing.server(id, Role.NODE))));
      }
      sites.put(id, site);
      closer.add(OutboundNode.start(site, new SimpleMeterRegistry()));
    }
    long start = System.nanoTime();
    while (!coordinator.federation().listNodes().getNodesList().stream().allMatch(NodeStatus::getReachable)) {
      if (System.nanoTime() - start > WAIT.toNanos()) {
        close();
        throw new AssertionError("the three nodes were not linked within " + WAIT.toSeconds() + " s");
      }
      Thread.sleep(10);
    }
  }

  /** The web port's base address. */
  String web() {
    return coordinator.webUrl().orElseThrow();
  }

  /** A plaintext gRPC stub of the researcher service for {@code user} (stated, as the CLI states it). */
  FederationServiceGrpc.FederationServiceBlockingStub grpc(String user) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    closer.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    Metadata headers = new Metadata();
    headers.put(Contract.USER_HEADER, user);
    return FederationServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** An HTTP client of the plaintext web port. */
  HttpClient http() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(WAIT).build();
    closer.add(client);
    return client;
  }

  /** POSTs {@code json} to /api/v1/analyses as {@code user}. */
  static HttpResponse<String> post(HttpClient client, String url, String user, String json) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT.multipliedBy(2))
        .header("fedstats-user", user).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs {@code url} as {@code user}. */
  static HttpResponse<String> get(HttpClient client, String url, String user) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT.multipliedBy(2))
        .header("fedstats-user", user).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code request} in protobuf's JSON mapping, as a researcher's client would send it. */
  static String json(AnalysisRequest request) throws Exception {
    return JsonFormat.printer().print(request);
  }

  @Override
  public void close() throws Exception {
    closer.close();
  }
}
