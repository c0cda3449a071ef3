package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CorrelationAnalysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output-checking profiles on the colon data, against queries built to break each of their rules. */
class DisclosureProfileTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  /** The profiles' rules are tested here, not the overlap audit: queries differing by a few records are wanted. */
  private static final String NO_OVERLAP = "overlap-audit: false, ";

  @TempDir
  Path tmp;

  private final List<DatasetStore> stores = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (DatasetStore store : stores) {
      store.close();
    }
  }

  private AnalysisEngine engine(String disclosure) throws Exception {
    return engine(disclosure, SharedData.ALL);
  }

  private AnalysisEngine engine(String disclosure, String analyses) throws Exception {
    NodeSettings settings = SharedData.node(tmp.resolve("n" + stores.size()), "test",
        SharedData.colonDataset(0, analyses, NO_OVERLAP + disclosure));
    DatasetStore store = DatasetStore.open(settings.datasets());
    stores.add(store);
    return new AnalysisEngine(settings, store);
  }

  private static NodeOutcome run(AnalysisEngine e, Filter filter, Analysis analysis) throws Exception {
    return e.run(new AnalysisEngine.Request("colon", filter != null,
        filter == null ? Filter.getDefaultInstance() : filter, analysis));
  }

  private static AnalysisResult answered(NodeOutcome o) {
    assertThat(o).isInstanceOf(NodeOutcome.Answered.class);
    return ((NodeOutcome.Answered) o).result();
  }

  private static Refusal refused(NodeOutcome o) {
    assertThat(o).isInstanceOf(NodeOutcome.Refused.class);
    return ((NodeOutcome.Refused) o).refusal();
  }

  private static Filter atLeast(String var, double v) {
    return Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable(var).setOp(ComparisonOperator.GE)
        .setValue(Value.newBuilder().setNumber(v))).build();
  }

  private static Analysis summary(String var) {
    return Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable(var)).build();
  }

  private static Analysis table(String row, String col) {
    return Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable(row).setColumnVariable(col))
        .build();
  }

  private static Analysis histogram(String var, Double... breaks) {
    return Analysis.newBuilder().setHistogram(HistogramAnalysis.newBuilder().setVariable(var)
        .addAllBreaks(List.of(breaks))).build();
  }

  // 17 records have 15 or more positive nodes, 2 of them an obstructed colon: a mean of obstruct over them is a
  // sum of 2 made by 2 records. With 14 or more nodes, 21 records and 3 obstructed: no two make 90 % of it.
  private static final Filter TWO_DOMINATE = atLeast("nodes", 15);
  private static final Filter THREE_SHARE = atLeast("nodes", 14);

  /** Review off: the profile's rules refuse instead of holding the output for the data steward. */
  private static final String NO_REVIEW = ", review: {rules: [], analyses: []}";

  @Test
  void sacroRefusesASummaryDominatedByTwoRecordsAndNamesItsProfile() throws Exception {
    AnalysisEngine sacro = engine("profile: sacro" + NO_REVIEW);
    Refusal r = refused(run(sacro, TWO_DOMINATE, summary("obstruct")));
    assertThat(r.rule()).isEqualTo(DisclosureRule.DOMINANCE);
    assertThat(r.threshold()).isEqualTo(90);
    assertThat(r.reason()).contains("profile sacro").doesNotContain(" 2 of ").doesNotContain("17");
    assertThat(answered(run(sacro, THREE_SHARE, summary("obstruct"))).getSummary().getN()).isEqualTo(21);
    // The default profile has no magnitude rule: the same summary is released.
    assertThat(answered(run(engine(""), TWO_DOMINATE, summary("obstruct"))).getSummary().getN()).isEqualTo(17);
  }

  @Test
  void sacroHoldsADominatedSummaryForItsStewardWithTheValuesAsEvidence() throws Exception {
    NodeOutcome o = run(engine("profile: sacro"), TWO_DOMINATE, summary("obstruct"));
    assertThat(o).isInstanceOf(NodeOutcome.Held.class);
    NodeOutcome.Held held = (NodeOutcome.Held) o;
    // Both magnitude rules fail; each is evidence, with the values the steward needs to judge it.
    assertThat(held.evidence()).extracting(f -> f.rule()).containsExactly("dominance", "p-ratio");
    assertThat(held.evidence().getFirst().values()).isEqualTo("total 2.0, largest 1.0, second 1.0 (largest two "
        + "100.0 % of the total)");
    assertThat(held.answer().result().getSummary().getN()).isEqualTo(17);
    // A rule the profile does not review still refuses, even when a reviewed one fails too.
    assertThat(refused(run(engine("profile: sacro, min-summary-n: 25"), TWO_DOMINATE, summary("obstruct"))).rule())
        .isEqualTo(DisclosureRule.MIN_SUMMARY_N);
  }

  @Test
  void sacroAppliesTheMagnitudeRulesToTheMeansACorrelationReleases() throws Exception {
    // A correlation releases each variable's mean over its n complete records, so n times the mean of obstruct is
    // the same total of 2 made by 2 records: held for review under sacro as the summary is, refused where sacro's
    // review is turned off.
    Analysis correlation = Analysis.newBuilder().setCorrelation(CorrelationAnalysis.newBuilder()
        .addVariables("age").addVariables("obstruct")).build();
    assertThat(run(engine("profile: sacro", "correlation"), TWO_DOMINATE, correlation))
        .isInstanceOf(NodeOutcome.Held.class);
    AnalysisEngine sacro = engine("profile: sacro, review: {}", "correlation");
    Refusal r = refused(run(sacro, TWO_DOMINATE, correlation));
    assertThat(r.rule()).isEqualTo(DisclosureRule.DOMINANCE);
    assertThat(r.reason()).contains("profile sacro");
    assertThat(answered(run(sacro, THREE_SHARE, correlation)).getCorrelationStats().getN()).isEqualTo(21);
    assertThat(answered(run(engine("", "correlation"), TWO_DOMINATE, correlation)).getCorrelationStats().getN())
        .isEqualTo(17);
  }

  @Test
  void explicitKeysOverrideTheProfileAndThePRatioRuleStandsAlone() throws Exception {
    Refusal r = refused(run(engine("profile: sacro, dominance-n: 0" + NO_REVIEW), TWO_DOMINATE,
        summary("obstruct")));
    assertThat(r.rule()).isEqualTo(DisclosureRule.P_RATIO);
    assertThat(r.threshold()).isEqualTo(10);
    assertThat(r.reason()).contains("profile sacro");
    answered(run(engine("profile: sacro, dominance-n: 0, p-ratio: 0"), TWO_DOMINATE, summary("obstruct")));
    // A stricter threshold than the profile's.
    assertThat(refused(run(engine("profile: sacro, min-summary-n: 25"), THREE_SHARE, summary("obstruct"))).rule())
        .isEqualTo(DisclosureRule.MIN_SUMMARY_N);
  }

  @Test
  void opensafelyRedactsAndRoundsCountsAndNeverReleasesOneToSeven() throws Exception {
    AnalysisEngine os = engine("profile: opensafely" + NO_REVIEW);
    Filter heavy = atLeast("nodes", 10);
    var t = answered(run(os, heavy, table("differ", "status")));
    assertThat(t.getTable().getCellsList()).allSatisfy(c -> {
      assertThat(c.getCount() % 5).isZero();
      assertThat(c.getCount() >= 1 && c.getCount() <= 7).isFalse();
    });
    assertThat(t.getTable().getCellsList()).anyMatch(TableCell::getRedacted);
    assertThat(t.getRounding().getRoundedTo()).isEqualTo(5);
    assertThat(t.getRounding().getRedactedAtOrBelow()).isEqualTo(7);
    assertThat(t.getRounding().getProfile()).isEqualTo("opensafely");
    assertThat(t.getRounding().getRedactedCells())
        .isEqualTo(t.getTable().getCellsList().stream().filter(TableCell::getRedacted).count());
    // The same table without the profile has the small cells that were redacted: it is refused by default.
    assertThat(refused(run(engine(""), heavy, table("differ", "status"))).rule())
        .isEqualTo(DisclosureRule.MIN_CELL_COUNT);

    var rx = answered(run(os, null, table("rx", "status"))).getTable();
    // R: Lev 149/161, Lev+5FU 181/123, Obs 147/168: rounded to the nearest 5, halves up.
    assertThat(rx.getCellsList()).extracting(TableCell::getCount)
        .containsExactlyInAnyOrder(150L, 160L, 180L, 125L, 145L, 170L);
    assertThat(answered(run(os, null, COUNT)).getCount().getCount()).isEqualTo(930);

    var hr = answered(run(os, heavy, histogram("nodes", 10.0, 15.0, 20.0, 40.0)));
    var h = hr.getHistogram();
    assertThat(h.getCountsList()).allSatisfy(c -> assertThat(c % 5).isZero());
    assertThat(h.getCountsList()).noneMatch(c -> c >= 1 && c <= 7);
    assertThat(hr.getRounding().getRedactedBinsList()).isNotEmpty()
        .allSatisfy(i -> assertThat(h.getCounts(i)).isZero());
  }

  @Test
  void opensafelyMidpointSixRoundsCountsForRatesWithoutRedacting() throws Exception {
    AnalysisEngine os = engine("profile: opensafely, rounding: midpoint-6, review: {}");
    var rx = answered(run(os, null, table("rx", "status")));
    // R: Lev 149/161, Lev+5FU 181/123, Obs 147/168. By hand, ceiling(x / 6) * 6 - 3: 149 -> 25 * 6 - 3 = 147,
    // 161 -> 27 * 6 - 3 = 159, 181 -> 31 * 6 - 3 = 183, 123 -> 21 * 6 - 3 = 123, 147 -> 25 * 6 - 3 = 147,
    // 168 -> 28 * 6 - 3 = 165.
    assertThat(rx.getTable().getCellsList()).extracting(TableCell::getCount)
        .containsExactlyInAnyOrder(147L, 159L, 183L, 123L, 147L, 165L);
    assertThat(rx.getRounding().getMidpoint()).isTrue();
    assertThat(rx.getRounding().getRoundedTo()).isEqualTo(6);
    assertThat(rx.getRounding().getRedactedAtOrBelow()).isZero();
    // 929 patients: 155 * 6 - 3.
    assertThat(answered(run(os, null, COUNT)).getCount().getCount()).isEqualTo(927);
    // Small cells are not redacted: 1 to 6 all read 3, zeros stay zeros, so a rate keeps zero apart from non-zero.
    var t = answered(run(os, atLeast("nodes", 10), table("differ", "status")));
    assertThat(t.getTable().getCellsList()).noneMatch(TableCell::getRedacted)
        .allSatisfy(c -> assertThat(c.getCount() == 0 || c.getCount() % 6 == 3).isTrue())
        .anyMatch(c -> c.getCount() == 3);
    assertThat(t.getRounding().getRedactedCells()).isZero();
  }

  @Test
  void datashieldRefusesTablesWithTooManyLevelsForTheirRecords() throws Exception {
    AnalysisEngine ds = engine("profile: datashield");
    // 28 records with 13 or more nodes take 11 distinct values: more than 0.33 levels a record.
    Refusal density = refused(run(ds, atLeast("nodes", 13), table("nodes", "")));
    assertThat(density.rule()).isEqualTo(DisclosureRule.MAX_LEVEL_DENSITY);
    assertThat(density.reason()).contains("profile datashield");
    // Age takes more than 40 values.
    assertThat(refused(run(ds, null, table("age", ""))).rule()).isEqualTo(DisclosureRule.MAX_LEVELS);
    assertThat(refused(run(ds, null, table("rx", "age"))).rule()).isEqualTo(DisclosureRule.MAX_LEVELS);
    // Cells of 3 are released (tab 3), a cohort of 3 too (subset 3).
    answered(run(ds, null, table("rx", "status")));
    assertThat(answered(run(ds, atLeast("nodes", 24), COUNT)).getCount().getCount()).isEqualTo(3);
    // The default profile has no levels rule.
    assertThat(refused(run(engine(""), null, table("age", ""))).rule()).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
    assertThat(refused(run(engine("profile: datashield, max-levels: 0, max-level-density: 0"), null,
        table("age", ""))).rule()).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
  }

  @Test
  void theDefaultProfileLeavesEveryOutputAsItWas() throws Exception {
    List<Analysis> analyses = List.of(COUNT, summary("age"), summary("nodes"), table("rx", "status"),
        histogram("age", 0.0, 40.0, 60.0, 100.0));
    AnalysisEngine implicit = engine("");
    List<AnalysisResult> before = new ArrayList<>();
    for (Analysis a : analyses) {
      before.add(answered(run(implicit, null, a)));
    }
    AnalysisEngine named = engine("profile: default");
    for (int i = 0; i < analyses.size(); i++) {
      AnalysisResult after = answered(run(named, null, analyses.get(i)));
      assertThat(after).isEqualTo(before.get(i));
      assertThat(after.hasRounding()).isFalse();
    }
  }
}
