package org.fedstats.coordinator.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fedstats.common.Contract;
import org.fedstats.common.audit.ChainVerifier;
import org.fedstats.coordinator.CoordinatorMainAccess;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's own hash-chained audit log records each research request with every site's audit head, so a
 * node's log can be checked against the coordinator's record of its end; and the researcher's answer carries the
 * same heads as receipts.
 */
class RequestAuditTest {
  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  @TempDir
  Path tmp;

  private static int verify(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    return CoordinatorMainAccess.run(args, new PrintStream(out, true, UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
  }

  @Test
  void eachRequestIsRecordedWithTheSitesHeadsWhichVerifyTheNodesLogs() throws Exception {
    Map<String, String> names = new LinkedHashMap<>();
    Map<String, NodeSettings> nodes = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      NodeSettings node = SharedData.node(tmp.resolve("site" + i), "site" + i, SharedData.colonDataset(i, "count",
          ""));
      nodes.put(node.nodeId(), node);
      names.put(node.nodeId(), sites.serve(node));
    }
    Path auditLog = tmp.resolve("coordinator-audit.jsonl");
    InProcessFederation.Served served = sites.coordinator(Duration.ofSeconds(10),
        CoordinatorSettings.DEFAULT_MAX_CONCURRENT_REQUESTS, Analyses.builtIn(), InProcessFederation.Addresses.of(names),
        auditLog);
    Metadata alice = new Metadata();
    alice.put(Contract.USER_HEADER, "alice");
    Channel asAlice = ClientInterceptors.intercept(served.channel(), MetadataUtils.newAttachHeadersInterceptor(alice));
    FederationServiceGrpc.FederationServiceBlockingStub stub = FederationServiceGrpc.newBlockingStub(asAlice);

    AnalysisResponse answer = stub.runAnalysis(AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build());
    assertThat(answer.getPooledAvailable()).isTrue();
    boolean rejected = false;
    try {
      stub.runAnalysis(AnalysisRequest.newBuilder().setDataset("no-such-dataset")
          .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build());
    } catch (StatusRuntimeException e) {
      rejected = true;
    }
    assertThat(rejected).isTrue();

    List<String> lines = Files.readAllLines(auditLog);
    assertThat(lines).hasSize(2);
    JsonNode entry = new ObjectMapper().readTree(lines.get(0));
    assertThat(entry.get("requester").asText()).startsWith("alice");
    assertThat(entry.get("outcome").asText()).isEqualTo("POOLED");
    assertThat(entry.get("requestId").asText()).isEqualTo(answer.getRequestId());
    assertThat(new ObjectMapper().readTree(lines.get(1)).get("outcome").asText()).isEqualTo("NOT_FOUND");
    for (SiteOutcome site : answer.getSitesList()) {
      String recorded = entry.get("sites").valueStream().filter(s -> s.get("node").asText().equals(site.getNodeId()))
          .findFirst().orElseThrow().get("auditHead").asText();
      assertThat(recorded).as("the head of %s", site.getNodeId()).isEqualTo(site.getAuditHead()).hasSize(64);
      Path nodeLog = nodes.get(site.getNodeId()).auditLog();
      assertThat(ChainVerifier.verify(nodeLog, Optional.of(recorded)).intact()).isTrue();
      // Cutting the node's last entry no longer matches what the coordinator recorded.
      List<String> nodeLines = Files.readAllLines(nodeLog);
      Files.write(nodeLog, nodeLines.subList(0, nodeLines.size() - 1));
      assertThat(ChainVerifier.verify(nodeLog, Optional.of(recorded)).intact()).isFalse();
    }

    assertThat(verify("audit", "verify", auditLog.toString())).isZero();
    Files.write(auditLog, List.of(lines.get(0).replace("alice", "bob"), lines.get(1)));
    assertThat(verify("audit", "verify", auditLog.toString())).isEqualTo(1);
  }
}
