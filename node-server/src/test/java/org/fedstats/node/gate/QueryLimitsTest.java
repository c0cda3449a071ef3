package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.limits.QueryLimits;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.SharedData;
import org.fedstats.node.testing.TestClock;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset's query budget per researcher, as the gate applies it to answered and refused requests. */
class QueryLimitsTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  @TempDir
  Path tmp;
  private final TestClock clock = new TestClock(Instant.parse("2026-03-02T09:00:00Z"));
  private NodeSettings settings;
  private DatasetStore store;
  private AuditLog audit;
  private OverlapAuditor auditor;
  private NodeGate gate;

  @BeforeEach
  void start() throws Exception {
    String colon = SharedData.colonDataset(1, "count, summary", "");
    settings = SharedData.node(tmp, "site1", colon.replace("    analyses: [",
        "    limits: {queries-per-hour: 3}\n    analyses: ["));
    store = DatasetStore.open(settings.datasets());
    audit = AuditLog.open(settings.auditLog());
    auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version);
    gate = new NodeGate(settings, new AnalysisEngine(settings, store), audit, auditor, new SimpleMeterRegistry(),
        clock);
  }

  @AfterEach
  void stop() throws Exception {
    auditor.close();
    audit.close();
    store.close();
  }

  private NodeGate.Reply ask(String requester, Analysis analysis, Filter filter, String session, int round) {
    NodeAnalysisRequest.Builder b = NodeAnalysisRequest.newBuilder().setRequestId("r").setRequester(requester)
        .setDataset("colon").setAnalysis(analysis).setSessionId(session).setRound(round);
    if (filter != null) {
      b.setFilter(filter);
    }
    return gate.handle(b.build(), "test", Liveness.always());
  }

  private NodeGate.Reply count(String requester) {
    return ask(requester, COUNT, null, "", 0);
  }

  private static Filter under(int age) {
    return Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age").setOp(ComparisonOperator.LT)
        .setValue(Value.newBuilder().setNumber(age))).build();
  }

  @Test
  void answeredAndRefusedQueriesCountAndTheNextIsRefusedUntilTheWindowMoves() throws Exception {
    assertThat(settings.dataset("colon").orElseThrow().limits())
        .isEqualTo(new QueryLimits(3, QueryLimits.UNLIMITED));
    assertThat(count("alice").response().hasResult()).isTrue();
    assertThat(ask("alice", COUNT, under(25), "", 0).response().hasRefusal()).isTrue();
    // A request the node rejects is not a query: nothing was computed.
    NodeGate.Reply bad = ask("alice", Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder()
        .setVariable("weight")).build(), null, "", 0);
    assertThat(bad.error().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    // The rounds of one session are one query.
    clock.advance(Duration.ofMinutes(10));
    assertThat(ask("alice", COUNT, null, "s-1", 0).response().hasResult()).isTrue();
    assertThat(ask("alice", COUNT, null, "s-1", 1).response().hasResult()).isTrue();

    NodeGate.Reply over = count("alice");
    assertThat(over.error().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(over.error().getDescription()).isEqualTo("the requester has made 3 queries of dataset colon in the "
        + "last hour, this node's limit (rule queries-per-hour = 3); the next query is possible from "
        + "2026-03-02T10:00:00Z, in 50 minutes");
    // Later rounds of a session already counted still run; a new session does not.
    assertThat(ask("alice", COUNT, null, "s-1", 2).response().hasResult()).isTrue();
    assertThat(ask("alice", COUNT, null, "s-2", 0).error().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(count("bob").response().hasResult()).isTrue();

    List<String> lines = Files.readAllLines(settings.auditLog());
    JsonNode refused = new ObjectMapper().readTree(lines.get(5));
    assertThat(refused.get("requester").asText()).isEqualTo("alice");
    assertThat(refused.get("outcome").asText()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(refused.get("detail").asText()).contains("rule queries-per-hour = 3");

    // At 10:00 the two queries of 9:00 have left the window; the session of 9:10 has not.
    clock.advance(Duration.ofMinutes(50));
    assertThat(count("alice").response().hasResult()).isTrue();
    assertThat(count("alice").response().hasResult()).isTrue();
    assertThat(count("alice").error().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }
}
