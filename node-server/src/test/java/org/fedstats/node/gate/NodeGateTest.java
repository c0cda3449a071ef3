package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate without any transport: what every request passes on its way in and out of a node. */
class NodeGateTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  @TempDir
  Path tmp;
  private DatasetStore store;
  private AuditLog audit;
  private OverlapAuditor auditor;
  private NodeGate gate;

  @BeforeEach
  void start() throws Exception {
    Path config = tmp.resolve("conf");
    NodeSettings loaded = SharedData.node(config, "site1", SharedData.colonDataset(1, "count", ""));
    NodeSettings settings = new NodeSettings(loaded.nodeId(), loaded.host(), loaded.port(), loaded.auditLog(),
        loaded.server(), 3, loaded.datasets());
    store = DatasetStore.open(settings.datasets());
    audit = AuditLog.open(settings.auditLog());
    auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version);
    gate = new NodeGate(settings, new AnalysisEngine(settings, store), audit, auditor, new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() throws Exception {
    audit.close();
    auditor.close();
    store.close();
  }

  private static NodeAnalysisRequest round(String session, int round) {
    return NodeAnalysisRequest.newBuilder().setRequestId("r" + round).setRequester("alice").setDataset("colon")
        .setAnalysis(COUNT).setSessionId(session).setRound(round).build();
  }

  @Test
  void answersAndAuditsTheSessionAndRoundOfEachRequest() throws Exception {
    NodeGate.Reply reply = gate.handle(round("s-1", 0), "test", Liveness.always());
    assertThat(reply.response().getResult().getCount().getCount()).isEqualTo(309);
    gate.handle(round("s-1", 1), "test", Liveness.always());
    List<String> lines = Files.readAllLines(tmp.resolve("conf").resolve("audit-site1.jsonl"));
    JsonNode second = new ObjectMapper().readTree(lines.get(1));
    assertThat(second.get("session").asText()).isEqualTo("s-1");
    assertThat(second.get("round").asInt()).isEqualTo(1);
    assertThat(second.get("outcome").asText()).isEqualTo("ANSWERED");
    assertThat(second.get("peer").asText()).isEqualTo("test");
  }

  @Test
  void aSessionGetsAtMostTheNodesRoundsWhateverRoundNumbersItSends() {
    for (int r = 0; r < 3; r++) {
      assertThat(gate.handle(round("s-2", r), "test", Liveness.always()).error()).isNull();
    }
    // A round number past the limit, and a fourth request of the same session numbered as an early round.
    NodeGate.Reply late = gate.handle(round("s-3", 3), "test", Liveness.always());
    assertThat(late.error().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(late.error().getDescription()).contains("round 3 is beyond node site1's limit of 3 rounds");
    NodeGate.Reply replayed = gate.handle(round("s-2", 0), "test", Liveness.always());
    assertThat(replayed.error().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(replayed.error().getDescription()).contains("session s-2 has had 3 rounds");
    // Other sessions, and single-round requests, are not affected.
    assertThat(gate.handle(round("s-4", 0), "test", Liveness.always()).error()).isNull();
    assertThat(gate.handle(round("", 0), "test", Liveness.always()).error()).isNull();
  }
}
