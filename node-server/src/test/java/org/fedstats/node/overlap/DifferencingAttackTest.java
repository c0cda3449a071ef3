package org.fedstats.node.overlap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.node.testing.Requests.and;
import static org.fedstats.node.testing.Requests.cmp;
import static org.fedstats.node.testing.Requests.histogram;
import static org.fedstats.node.testing.Requests.not;
import static org.fedstats.node.testing.Requests.or;
import static org.fedstats.node.testing.Requests.summary;
import static org.fedstats.node.testing.Requests.table;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.grpc.Status;
import java.util.logging.Level;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.gate.AnalysisEngine;
import org.fedstats.node.gate.Liveness;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.LogCapture;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.testing.ServedSite;
import org.fedstats.node.testing.ServedSites;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile researcher against one site under the default rules (site 2 of colon: 310 patients, 8 of them aged
 * exactly 60, one aged 85): pairs of queries that each pass every other rule and whose difference is a few
 * patients. Each attack is refused at the query that would complete it; legitimate sequences still pass. Through
 * the node's gRPC service over real Netty on 127.0.0.1.
 */
class DifferencingAttackTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  private static final String ANALYSES = "count, summary, table, histogram, glm";

  @TempDir
  Path tmp;

  @AutoClose
  final ServedSites sites = new ServedSites();

  /** A node over {@code settings} on 127.0.0.1; closed after the test (or earlier, to restart it). */
  private ServedSite serve(NodeSettings settings) throws Exception {
    return sites.start(settings);
  }

  private ServedSite site(String disclosure) throws Exception {
    return serve(settings(disclosure));
  }

  private NodeSettings settings(String disclosure) {
    return SharedData.node(tmp, "site2", SharedData.colonDataset(2, ANALYSES, disclosure));
  }

  private static NodeAnalysisResponse answered(NodeAnalysisResponse r) {
    assertThat(r.hasRefusal()).as("refused by %s", r.getRefusal().getRule()).isFalse();
    assertThat(r.hasResult()).isTrue();
    return r;
  }

  private static void refusedForOverlap(NodeAnalysisResponse r) {
    assertThat(r.hasResult()).as("answered").isFalse();
    assertThat(r.getRefusal().getRule()).isEqualTo(DisclosureRule.OVERLAP_MIN_DIFFERENCE.id());
    assertThat(r.getRefusal().getThreshold()).isEqualTo(10);
    // The reason names the rule's threshold and nothing about the records, their number or the earlier query.
    assertThat(r.getRefusal().getReason())
        .isEqualTo("the release would differ from an earlier release of this dataset by fewer than 10 records");
  }

  private static Filter ageAtLeast60() {
    return cmp("age", ComparisonOperator.GE, 60);
  }

  private static Filter ageOver60() {
    return cmp("age", ComparisonOperator.GT, 60);
  }

  @Test
  void twoCountsDifferingByThoseOfOneAgeAreRefusedAtTheSecond() throws Exception {
    ServedSite site = site("");
    assertThat(answered(site.ask(ageAtLeast60(), COUNT)).getResult().getCount().getCount()).isEqualTo(164);
    refusedForOverlap(site.ask(ageOver60(), COUNT));
    // Either order: the site remembers whichever was released first.
    ServedSite other = serve(SharedData.node(tmp.resolve("other"), "site2", SharedData.colonDataset(2, ANALYSES, "")));
    answered(other.ask(ageOver60(), COUNT));
    refusedForOverlap(other.ask(ageAtLeast60(), COUNT));
  }

  @Test
  void theDeathsAtSixtyAreRefusedAtTheSecondCount() throws Exception {
    ServedSite site = site("");
    Filter dead = cmp("status", ComparisonOperator.EQ, 1);
    answered(site.ask(and(ageAtLeast60(), dead), COUNT));
    // The two deaths at 60 are the difference.
    refusedForOverlap(site.ask(and(ageOver60(), dead), COUNT));
  }

  @Test
  void aTrackerNeverReleasesTheDifferenceButWhetherItIsRefusedTellsTheAttribute() throws Exception {
    // Denning's tracker: padding T = age < 50 (78 patients), target the one patient aged 85 (a woman who died).
    Filter padding = cmp("age", ComparisonOperator.LT, 50);
    Filter target = cmp("age", ComparisonOperator.EQ, 85);
    ServedSite site = site("");
    answered(site.ask(padding, COUNT));
    // count(T or (target and status = 1)) − count(T) would be her status: the count is refused...
    refusedForOverlap(site.ask(or(padding, and(target, cmp("status", ComparisonOperator.EQ, 1))), COUNT));
    // ...but where the attribute is false the set is T itself and is answered: the refusal above, against this
    // answer, still says she died and is not male. A refusal that depends on the data is itself a release (an
    // auditor that decides from the queries alone, a simulatable one, would not leak it); noise is what hides it.
    answered(site.ask(or(padding, and(target, cmp("sex", ComparisonOperator.EQ, 1))), COUNT));
  }

  @Test
  void aSummaryTrackerIsRefusedAtItsSecondQuery() throws Exception {
    ServedSite site = site("");
    Filter young = cmp("age", ComparisonOperator.LT, 50);
    // n * mean(time) over (age < 50 or age = 85), minus the same over age < 50: the 85-year-old's survival time.
    answered(site.ask(or(young, cmp("age", ComparisonOperator.EQ, 85)), summary("time")));
    refusedForOverlap(site.ask(young, summary("time")));
  }

  @Test
  void histogramBreaksMovedByOneAreRefused() throws Exception {
    ServedSite site = site("");
    answered(site.ask(null, histogram("age", 0.0, 60.0, 100.0)));
    // [0, 60) and [0, 61) differ by the 8 patients aged 60.
    refusedForOverlap(site.ask(null, histogram("age", 0.0, 61.0, 100.0)));
  }

  @Test
  void excludingOnePatientFromACohortIsRefused() throws Exception {
    ServedSite site = site("");
    Filter old = cmp("age", ComparisonOperator.GE, 70);
    answered(site.ask(old, summary("time")));
    refusedForOverlap(site.ask(and(old, not(cmp("age", ComparisonOperator.EQ, 85))), summary("time")));
  }

  @Test
  void everyoneButOneIsRefusedEvenWhereTheComplementRuleIsLowered() throws Exception {
    // The operator lowered min-complement-size, the rule that alone kept "everyone but one" in: the whole table
    // counts as released, so a cohort of all but one patient differs from it by one.
    ServedSite site = site("min-complement-size: 1");
    refusedForOverlap(site.ask(not(cmp("age", ComparisonOperator.EQ, 85)), summary("time")));
    refusedForOverlap(site.ask(not(cmp("age", ComparisonOperator.EQ, 85)), COUNT));
  }

  @Test
  void aLaterQueryIsCheckedAgainstCellsOfEarlierOnesOfAnotherAnalysis() throws Exception {
    ServedSite site = site("");
    Filter old = cmp("age", ComparisonOperator.GE, 70);
    // A table's cells are remembered: sex by status among patients aged 70 or more...
    answered(site.ask(old, table("sex", "status")));
    // ...an unrelated count in between...
    answered(site.ask(cmp("age", ComparisonOperator.LT, 50), COUNT));
    // ...and a cohort that is one of those cells but for the 85-year-old is refused.
    NodeAnalysisResponse table = answered(site.ask(old, table("sex", "status")));
    assertThat(table.getResult().getTable().getCellsList()).allMatch(c -> c.getCount() == 0 || c.getCount() >= 10);
    boolean refused = false;
    for (int sex = 0; sex <= 1; sex++) {
      for (int status = 0; status <= 1; status++) {
        Filter cell = and(old, cmp("sex", ComparisonOperator.EQ, sex), cmp("status", ComparisonOperator.EQ, status));
        NodeAnalysisResponse r = site.ask(and(cell, not(cmp("age", ComparisonOperator.EQ, 85))), COUNT);
        if (r.hasRefusal()) {
          refusedForOverlap(r);
          refused = true;
        }
      }
    }
    // The 85-year-old is in exactly one cell; the other three cohorts equal their cells and are answered.
    assertThat(refused).isTrue();
  }

  @Test
  void legitimateSequencesPass() throws Exception {
    ServedSite site = site("");
    // The same query twice.
    assertThat(answered(site.ask(ageAtLeast60(), COUNT)).getResult().getCount().getCount())
        .isEqualTo(answered(site.ask(ageAtLeast60(), COUNT)).getResult().getCount().getCount());
    // A count, then a table whose cells are large.
    answered(site.ask(null, COUNT));
    answered(site.ask(null, table("rx", "")));
    // Two cohorts differing by 10 or more patients (those aged 60 or 61).
    answered(site.ask(cmp("age", ComparisonOperator.GE, 62), COUNT));
    // A model's rounds over one sample: the start, a round at coefficients, the null model's round.
    GlmAnalysis.Builder glm = GlmAnalysis.newBuilder().setFormula("status ~ age + sex").setFamily(GlmFamily.BINOMIAL);
    answered(site.ask(null, Analysis.newBuilder().setGlm(glm.clone()).build()));
    answered(site.ask(null, Analysis.newBuilder().setGlm(glm.clone().addCoefficients(0.1).addCoefficients(0.0)
        .addCoefficients(0.2)).build()));
    answered(site.ask(null, Analysis.newBuilder().setGlm(glm.clone().addCoefficients(0.05).setNullModel(true)
        .setNullMean(0.5)).build()));
  }

  @Test
  void turnedOffTheRuleLetsTheAttackThroughWithAWarningAtStart() throws Exception {
    ServedSite site;
    try (LogCapture log = LogCapture.of(OverlapAuditor.class)) {
      site = site("overlap-audit: false");
      assertThat(log.records()).singleElement().satisfies(r -> {
        assertThat(r.getLevel()).isEqualTo(Level.WARNING);
        assertThat(r.getMessage()).contains("the overlap audit is off");
      });
    }
    // What the rule is for: 164 - 156 = the 8 patients aged exactly 60.
    assertThat(answered(site.ask(ageAtLeast60(), COUNT)).getResult().getCount().getCount()
        - answered(site.ask(ageOver60(), COUNT)).getResult().getCount().getCount()).isEqualTo(8);
  }

  @Test
  void anAnswerWhoseSetsCannotBeRememberedIsWithheldAndAuditedSo() throws Exception {
    NodeSettings settings = settings("");
    try (DatasetStore store = DatasetStore.open(settings.datasets());
        AuditLog audit = AuditLog.open(settings.auditLog())) {
      OverlapAuditor auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version);
      auditor.close(); // the state's disk went away
      NodeGate gate = new NodeGate(settings, new AnalysisEngine(settings, store), audit, auditor,
          new SimpleMeterRegistry());
      NodeGate.Reply reply;
      try (LogCapture log = LogCapture.of(NodeGate.class)) {
        reply = gate.handle(NodeAnalysisRequest.newBuilder().setRequestId("r1").setDataset("colon")
            .setFilter(ageAtLeast60()).setAnalysis(COUNT).build(), "test", Liveness.always());
        assertThat(log.records()).singleElement().satisfies(r ->
            assertThat(r.getMessage()).contains("node state write failed"));
      }
      assertThat(reply.response()).isNull();
      assertThat(reply.error().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(reply.error().getDescription()).contains("cannot write its state");
      ObjectMapper json = new ObjectMapper();
      assertThat(Files.readAllLines(settings.auditLog()).stream().map(l -> readTree(json, l).get("outcome")
          .asText())).containsExactly("ANSWERED", "STATE_FAILED");
    }
  }

  @Test
  void aRestartedNodeStillRefusesTheSecondQuery() throws Exception {
    ServedSite site = site("");
    answered(site.ask(ageAtLeast60(), COUNT));
    site.close();
    ServedSite restarted = site("");
    refusedForOverlap(restarted.ask(ageOver60(), COUNT));
    answered(restarted.ask(ageAtLeast60(), COUNT));
  }

  @Test
  void newDataStartsAfreshAndTheAuditLogSaysWhichData() throws Exception {
    Path data = tmp.resolve("colon.csv");
    Files.copy(SharedData.dir().resolve("colon_site2.csv"), data);
    String dataset = SharedData.colonDataset(2, ANALYSES, "").replace(
        SharedData.dir().resolve("colon_site2.csv").toString(), data.toString());
    ServedSite site = serve(SharedData.node(tmp, "site2", dataset));
    answered(site.ask(ageAtLeast60(), COUNT));
    site.close();
    // One more patient at the site: new data, new row ids; what was released from the old data no longer applies.
    List<String> lines = new ArrayList<>(Files.readAllLines(data));
    lines.add(lines.get(1).replaceFirst("^[0-9]+", "9999"));
    Files.write(data, lines);
    ServedSite updated = serve(SharedData.node(tmp, "site2", dataset));
    answered(updated.ask(ageOver60(), COUNT));
    refusedForOverlap(updated.ask(ageAtLeast60(), COUNT));
    ObjectMapper json = new ObjectMapper();
    List<String> versions = Files.readAllLines(tmp.resolve("audit-site2.jsonl")).stream()
        .map(l -> readTree(json, l).get("dataVersion").asText()).toList();
    assertThat(versions).hasSize(3).allMatch(v -> v.matches("[0-9a-f]{64}"));
    assertThat(versions.get(1)).isNotEqualTo(versions.get(0)).isEqualTo(versions.get(2));
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void ofTwoConcurrentDifferencingQueriesAtMostOneIsAnswered() throws Exception {
    ServedSite site = site("");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Set<Long> answeredCounts = ConcurrentHashMap.newKeySet();
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        Filter filter = i % 2 == 0 ? ageAtLeast60() : ageOver60();
        calls.add(pool.submit(() -> {
          NodeAnalysisResponse r = site.ask(filter, COUNT);
          if (r.hasResult()) {
            answeredCounts.add(r.getResult().getCount().getCount());
          } else {
            refusedForOverlap(r);
          }
        }));
      }
      for (Future<?> call : calls) {
        call.get(60, TimeUnit.SECONDS);
      }
      assertThat(answeredCounts).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
