package org.fedstats.node.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.fedstats.common.grpc.ParseGuard;
import org.fedstats.node.NodeServer;
import org.fedstats.node.gate.AnalysisEngine;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.LogCapture;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.InSet;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.Value;
import org.fedstats.proto.v1.VariableInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's gRPC face, wired as over Netty, on in-process transport: statuses for bad input, refusals as answers, the audit log. */
class NodeGrpcServiceTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  @TempDir
  Path tmp;

  private NodeServer server;
  private ManagedChannel channel;
  private NodeServiceGrpc.NodeServiceBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count, summary", ""));
    String name = InProcessServerBuilder.generateName();
    server = NodeServer.start(settings, new SimpleMeterRegistry(), InProcessServerBuilder.forName(name));
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = NodeServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  private static NodeAnalysisRequest.Builder request(Analysis analysis) {
    return NodeAnalysisRequest.newBuilder().setRequestId("r1").setRequester("alice").setDataset("colon")
        .setAnalysis(analysis);
  }

  private void assertStatus(NodeAnalysisRequest request, Status.Code code, String message) {
    assertThatThrownBy(() -> stub.runAnalysis(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(code);
          assertThat(e.getStatus().getDescription()).contains(message);
        });
  }

  private long count() {
    return stub.runAnalysis(request(COUNT).build()).getResult().getCount().getCount();
  }

  @Test
  void describesItsDatasetsWithoutValues() {
    NodeInfo info = stub.getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
    assertThat(info.getNodeId()).isEqualTo("site1");
    assertThat(info.getVersion()).isNotEmpty();
    assertThat(info.getDatasets(0).getName()).isEqualTo("colon");
    assertThat(info.getDatasets(0).getAnalysesList()).containsExactly("count", "summary");
    assertThat(info.getDatasets(0).getVariablesList()).extracting(VariableInfo::getName).contains("age", "rx")
        .doesNotContain("perfor"); // present in the file but not declared: never exposed
  }

  @Test
  void badInputGetsAClearStatusAndTheNodeKeepsServing() {
    Filter injection = Filter.newBuilder().setComparison(Comparison.newBuilder()
        .setVariable("age\"; DROP TABLE \"ds_colon\"; --").setOp(ComparisonOperator.EQ)
        .setValue(Value.newBuilder().setNumber(1))).build();
    Filter wrongType = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setOp(ComparisonOperator.GT).setValue(Value.newBuilder().setText("old"))).build();
    Filter deep = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setOp(ComparisonOperator.GT).setValue(Value.newBuilder().setNumber(1))).build();
    for (int i = 0; i < 40; i++) {
      deep = Filter.newBuilder().setNot(deep).build();
    }
    InSet.Builder huge = InSet.newBuilder().setVariable("rx");
    for (int i = 0; i < 2000; i++) {
      huge.addValues(Value.newBuilder().setText("level-" + i + "-" + "x".repeat(40)));
    }

    assertStatus(request(COUNT).setDataset("secret_registry").build(), Status.Code.NOT_FOUND,
        "dataset 'secret_registry' is not held by node site1");
    assertStatus(request(Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("height")).build())
        .build(), Status.Code.INVALID_ARGUMENT, "unknown variable 'height' in dataset colon");
    assertStatus(request(COUNT).setFilter(injection).build(), Status.Code.INVALID_ARGUMENT, "unknown variable");
    assertStatus(request(COUNT).setFilter(wrongType).build(), Status.Code.INVALID_ARGUMENT,
        "age is integer: compare it with a number, not text");
    assertStatus(request(COUNT).setFilter(Filter.getDefaultInstance()).build(), Status.Code.INVALID_ARGUMENT,
        "empty filter");
    assertStatus(request(COUNT).setFilter(deep).build(), Status.Code.INVALID_ARGUMENT, "nested deeper than 16");
    assertStatus(request(COUNT).setFilter(Filter.newBuilder().setInSet(huge)).build(), Status.Code.INVALID_ARGUMENT,
        "the limit is 65536");
    assertStatus(request(Analysis.newBuilder().setTable(org.fedstats.proto.v1.TableAnalysis.newBuilder()
        .setRowVariable("rx")).build()).build(), Status.Code.PERMISSION_DENIED, "analysis table is not enabled");

    assertThat(count()).isEqualTo(309);
  }

  @Test
  void unreadableRequestsGetInvalidArgumentWithAMessageAndTheNodeKeepsServing() {
    // A length-delimited field that claims 127 bytes and has one: not a valid message.
    byte[] garbage = {0x0A, 0x7F, 0x01};
    MethodDescriptor<byte[], byte[]> raw = NodeServiceGrpc.getRunAnalysisMethod().toBuilder(ParseGuard.BYTES, ParseGuard.BYTES).build();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, garbage))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("not a valid fedstats.v1.NodeAnalysisRequest message");
        });

    Filter deep = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setOp(ComparisonOperator.GT).setValue(Value.newBuilder().setNumber(1))).build();
    for (int i = 0; i < 120; i++) {
      deep = Filter.newBuilder().setNot(deep).build();
    }
    assertStatus(request(COUNT).setFilter(deep).build(), Status.Code.INVALID_ARGUMENT, "levels of nesting");

    assertThat(count()).isEqualTo(309);
  }

  @Test
  void unknownDatasetSuggestsTheClosestAndNeverEchoesControlCharacters() throws Exception {
    assertStatus(request(COUNT).setDataset("colonn").build(), Status.Code.NOT_FOUND,
        "dataset 'colonn' is not held by node site1; did you mean 'colon'? 'fedstats datasets' lists");
    assertThatThrownBy(() -> stub.runAnalysis(request(COUNT).setDataset("co\u202Elon\r\nFAKE AUDIT LINE").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("'co\\u202Elon\\u000D\\u000AFAKE AUDIT LINE'")
              .doesNotContain("\u202E").doesNotContain("\n").doesNotContain("\r");
        });
    assertStatus(request(COUNT).setDataset("").build(), Status.Code.INVALID_ARGUMENT, "the request names no dataset");
    // The audit log's detail is the same safe message, and the raw request in the log is plain ASCII on disk.
    String lastLine = Files.readAllLines(tmp.resolve("audit-site1.jsonl")).get(1);
    assertThat(new ObjectMapper().readTree(lastLine).get("detail").asText()).doesNotContain("\u202E");
    byte[] log = Files.readAllBytes(tmp.resolve("audit-site1.jsonl"));
    assertThat(new String(log, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\u202E")
        .contains("\\u202E");
    for (byte b : log) {
      assertThat(b).as("audit log bytes are ASCII").isBetween((byte) 0x0a, (byte) 0x7e);
    }
  }

  @Test
  void refusalsAreAnswersThatNameTheRule() {
    Filter young = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setOp(ComparisonOperator.LT).setValue(Value.newBuilder().setNumber(31))).build();
    NodeAnalysisResponse response = stub.runAnalysis(request(COUNT).setFilter(young).build());
    assertThat(response.hasResult()).isFalse();
    assertThat(response.getRefusal().getRule()).isEqualTo("min-cohort-size");
    assertThat(response.getRefusal().getThreshold()).isEqualTo(10);
    assertThat(response.getRefusal().getReason()).isEqualTo("the cohort has fewer than 10 records");
  }

  @Test
  void everyRequestIsAuditedWithItsOutcome() throws Exception {
    count();
    assertStatus(request(COUNT).setDataset("nope").build(), Status.Code.NOT_FOUND, "nope");
    stub.runAnalysis(request(COUNT).setFilter(Filter.newBuilder().setComparison(Comparison.newBuilder()
        .setVariable("age").setOp(ComparisonOperator.LT).setValue(Value.newBuilder().setNumber(31)))).build());

    List<String> lines = Files.readAllLines(tmp.resolve("audit-site1.jsonl"));
    assertThat(lines).hasSize(3);
    ObjectMapper json = new ObjectMapper();
    JsonNode answered = json.readTree(lines.get(0));
    assertThat(answered.get("node").asText()).isEqualTo("site1");
    assertThat(answered.get("requestId").asText()).isEqualTo("r1");
    assertThat(answered.get("requester").asText()).isEqualTo("alice");
    assertThat(answered.get("dataset").asText()).isEqualTo("colon");
    assertThat(answered.get("analysis").asText()).isEqualTo("count");
    assertThat(answered.get("outcome").asText()).isEqualTo("ANSWERED");
    assertThat(answered.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(json.readTree(lines.get(1)).get("outcome").asText()).isEqualTo("NOT_FOUND");
    JsonNode refused = json.readTree(lines.get(2));
    assertThat(refused.get("outcome").asText()).isEqualTo("REFUSED");
    assertThat(refused.get("detail").asText()).isEqualTo("min-cohort-size");
    assertThat(refused.get("request").asText()).contains("\"variable\":\"age\"");
  }

  @Test
  void withoutAWorkingAuditLogTheNodeAnswersNothing() throws Exception {
    NodeSettings settings = SharedData.node(tmp.resolve("broken"), "site1", SharedData.colonDataset(1, "count", ""));
    try (DatasetStore store = DatasetStore.open(settings.datasets());
        OverlapAuditor auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version)) {
      AuditLog audit = AuditLog.open(settings.auditLog());
      audit.close(); // the disk went away
      NodeGrpcService service = new NodeGrpcService(new NodeGate(settings,
          new AnalysisEngine(settings, store), audit, auditor, new SimpleMeterRegistry()));
      String name = InProcessServerBuilder.generateName();
      Server broken = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
      ManagedChannel ch = InProcessChannelBuilder.forName(name).directExecutor().build();
      try (LogCapture log = LogCapture.of(NodeGate.class)) {
        assertThatThrownBy(() -> NodeServiceGrpc.newBlockingStub(ch).runAnalysis(request(COUNT).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("cannot write its audit log");
            });
        assertThat(log.records()).singleElement().satisfies(r -> {
          assertThat(r.getLevel()).isEqualTo(Level.SEVERE);
          assertThat(r.getMessage()).contains("audit log write failed");
        });
      } finally {
        ch.shutdownNow();
        broken.shutdownNow();
      }
    }
  }
}
