package org.fedstats.node.overlap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.node.testing.Requests.and;
import static org.fedstats.node.testing.Requests.cmp;
import static org.fedstats.node.testing.Requests.histogram;
import static org.fedstats.node.testing.Requests.summary;
import static org.fedstats.node.testing.Requests.table;

import java.nio.file.Path;
import java.util.List;
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
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile researcher differencing three or more releases, each pair of which differs by many patients, against
 * one site under the default rules (site 2 of colon: 310 patients, 164 aged 60 or more, 8 of them aged exactly 60,
 * 68 aged 70 or more, 88 aged 61 to 69). Each attack is refused at the release that would complete it, under
 * {@code overlap-min-difference}; a realistic exploratory session passes. Over gRPC/Netty on 127.0.0.1.
 */
class CombinationAttackTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  private static final String ANALYSES = "count, summary, table, histogram, correlation, glm";
  private static final String REASON =
      "the release, combined with earlier releases of this dataset, would single out fewer than 10 records";

  @TempDir
  Path tmp;
  @AutoClose
  final ServedSites sites = new ServedSites();
  private int started;

  private ServedSite site(String disclosure) throws Exception {
    return sites.start(SharedData.node(tmp.resolve("n" + started++), "site2",
        SharedData.colonDataset(2, ANALYSES, disclosure)));
  }

  private static NodeAnalysisResponse answered(NodeAnalysisResponse r) {
    assertThat(r.hasRefusal()).as("refused: %s", r.getRefusal().getReason()).isFalse();
    assertThat(r.hasResult()).isTrue();
    return r;
  }

  private static void refusedAsACombination(NodeAnalysisResponse r) {
    assertThat(r.hasResult()).as("answered").isFalse();
    assertThat(r.getRefusal().getRule()).isEqualTo(DisclosureRule.OVERLAP_MIN_DIFFERENCE.id());
    assertThat(r.getRefusal().getThreshold()).isEqualTo(10);
    // The rule and its threshold; nothing about the records, how many, or which releases.
    assertThat(r.getRefusal().getReason()).isEqualTo(REASON);
  }

  private static Filter age(ComparisonOperator op, double value) {
    return cmp("age", op, value);
  }

  private static Filter ageFrom(double from, double below) {
    return and(age(ComparisonOperator.GE, from), age(ComparisonOperator.LT, below));
  }

  private static long count(NodeAnalysisResponse r) {
    return answered(r).getResult().getCount().getCount();
  }

  @Test
  void threeCountsWhoseCombinationIsOneAgeAreRefusedInEveryOrder() throws Exception {
    Filter a = age(ComparisonOperator.GE, 60);
    Filter b = age(ComparisonOperator.GE, 70);
    Filter c = ageFrom(61, 70);
    List<List<Filter>> orders = List.of(List.of(a, b, c), List.of(c, b, a), List.of(a, c, b), List.of(b, c, a));
    for (List<Filter> order : orders) {
      ServedSite site = site("");
      count(site.ask(order.get(0), COUNT));
      count(site.ask(order.get(1), COUNT));
      refusedAsACombination(site.ask(order.get(2), COUNT));
    }
  }

  @Test
  void withoutTheCombinationCheckTheThreeCountsRecoverTheSixtyYearOlds() throws Exception {
    // What the check is for, under the pairwise rule alone: 164 − 68 − 88 = 8.
    ServedSite site = site("overlap-combinations: 0");
    assertThat(count(site.ask(age(ComparisonOperator.GE, 60), COUNT))
        - count(site.ask(age(ComparisonOperator.GE, 70), COUNT)) - count(site.ask(ageFrom(61, 70), COUNT)))
        .isEqualTo(8);
  }

  @Test
  void twoCountsAndTheWholeTableAreRefused() throws Exception {
    // |age >= 60| + |age <= 60| − |everyone| = those aged 60; the whole table counts as released.
    ServedSite site = site("");
    count(site.ask(age(ComparisonOperator.GE, 60), COUNT));
    refusedAsACombination(site.ask(age(ComparisonOperator.LE, 60), COUNT));
  }

  @Test
  void theSubtractedCohortSplitFurtherIsRefusedAtTheFourthQuery() throws Exception {
    ServedSite site = site("");
    count(site.ask(age(ComparisonOperator.GE, 60), COUNT));
    count(site.ask(age(ComparisonOperator.GE, 70), COUNT));
    count(site.ask(ageFrom(61, 65), COUNT));
    refusedAsACombination(site.ask(ageFrom(65, 70), COUNT));
  }

  @Test
  void tableCellsAsTheSubtractedSetsAreRefused() throws Exception {
    // The cells of sex by status among those aged 61 to 69 add up to that cohort; its sets are the cohort and cells.
    ServedSite site = site("");
    count(site.ask(age(ComparisonOperator.GE, 60), COUNT));
    answered(site.ask(age(ComparisonOperator.GE, 70), table("sex", "status")));
    refusedAsACombination(site.ask(ageFrom(61, 70), table("sex", "status")));
  }

  @Test
  void histogramBinsAsTheSubtractedSetsAreRefused() throws Exception {
    // Bins [0, 61), [61, 70] and above 70, after count(age >= 60): the count less the last two bins (or the first
    // bin plus the count less everyone) is those aged 60.
    ServedSite site = site("");
    count(site.ask(age(ComparisonOperator.GE, 60), COUNT));
    refusedAsACombination(site.ask(null, histogram("age", 0.0, 61.0, 70.0)));
    // Bins [61, 70) and [70, 100] after the counts of age >= 60 and age >= 70: the first count less both bins.
    ServedSite other = site("");
    count(other.ask(age(ComparisonOperator.GE, 60), COUNT));
    count(other.ask(age(ComparisonOperator.GE, 70), COUNT));
    refusedAsACombination(other.ask(null, histogram("age", 61.0, 70.0, 100.0)));
  }

  @Test
  void summariesOverThreeCohortsAreRefused() throws Exception {
    // n·mean(time) over age >= 60, minus over age >= 70 and over 61 to 69: the 60-year-olds' total survival time.
    ServedSite site = site("");
    answered(site.ask(age(ComparisonOperator.GE, 60), summary("time")));
    answered(site.ask(age(ComparisonOperator.GE, 70), summary("time")));
    refusedAsACombination(site.ask(ageFrom(61, 70), summary("time")));
  }

  @Test
  void theAttackIsCaughtAcrossResearchersAndARestart() throws Exception {
    Path dir = tmp.resolve("restart");
    ServedSite site = sites.start(SharedData.node(dir, "site2", SharedData.colonDataset(2, ANALYSES, "")));
    count(site.ask("alice", age(ComparisonOperator.GE, 60), COUNT));
    count(site.ask("bob", age(ComparisonOperator.GE, 70), COUNT));
    site.close();
    ServedSite restarted = sites.start(SharedData.node(dir, "site2", SharedData.colonDataset(2, ANALYSES, "")));
    refusedAsACombination(restarted.ask("carol", ageFrom(61, 70), COUNT));
  }

  @Test
  void aRealisticExploratorySessionPasses() throws Exception {
    ServedSite site = site("");
    Filter old = age(ComparisonOperator.GE, 60);
    GlmAnalysis.Builder glm = GlmAnalysis.newBuilder().setFormula("status ~ age + sex").setFamily(GlmFamily.BINOMIAL);
    List<Analysis> overEveryone = List.of(COUNT, summary("age"), summary("time"), summary("obstruct"),
        table("sex", "status"), table("rx", ""), histogram("age", 0.0, 45.0, 60.0, 75.0, 100.0),
        Analysis.newBuilder().setGlm(glm.clone()).build(),
        Analysis.newBuilder().setGlm(glm.clone().addCoefficients(0.1).addCoefficients(0.0).addCoefficients(0.2))
            .build());
    for (Analysis a : overEveryone) {
      answered(site.ask(null, a));
    }
    // The same again, then the older patients: their count, table, summaries, and a model's rounds.
    answered(site.ask(null, table("sex", "status")));
    for (Analysis a : List.of(COUNT, table("sex", "status"), summary("time"), summary("age"), table("rx", ""),
        Analysis.newBuilder().setGlm(glm.clone()).build())) {
      answered(site.ask(old, a));
    }
    // Cohorts by sex and by treatment, and a narrower age band differing by many.
    answered(site.ask(cmp("sex", ComparisonOperator.EQ, 1), summary("time")));
    answered(site.ask(and(old, cmp("sex", ComparisonOperator.EQ, 1)), COUNT));
    answered(site.ask(age(ComparisonOperator.GE, 70), COUNT));
    answered(site.ask(age(ComparisonOperator.LT, 50), summary("time")));
  }
}
