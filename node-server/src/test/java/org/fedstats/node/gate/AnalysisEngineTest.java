package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fedstats.node.analysis.Cancellation;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.InSet;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One node's sufficient statistics against R's values, and its disclosure control against attempts to break it. */
class AnalysisEngineTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  @TempDir
  Path tmp;

  private DatasetStore store;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  private AnalysisEngine engine(String... datasets) throws Exception {
    NodeSettings settings = SharedData.node(tmp, "test", datasets);
    store = DatasetStore.open(settings.datasets());
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

  private static DisclosureRule refusedBy(NodeOutcome o) {
    assertThat(o).isInstanceOf(NodeOutcome.Refused.class);
    return ((NodeOutcome.Refused) o).refusal().rule();
  }

  private static Filter cmp(String var, ComparisonOperator op, double v) {
    return Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable(var).setOp(op)
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

  @Test
  void pooledFileStatisticsEqualR() throws Exception {
    JsonNode ref = SharedData.reference("colon");
    AnalysisEngine e = engine(SharedData.colonDataset(0, SharedData.ALL, "min-cell-count: 1"));
    assertThat(answered(run(e, null, COUNT)).getCount().getCount()).isEqualTo(ref.get("count_all").asLong());
    assertThat(answered(run(e, cmp("sex", ComparisonOperator.EQ, 0), COUNT)).getCount().getCount())
        .isEqualTo(ref.get("count_female").asLong());
    assertThat(answered(run(e, cmp("age", ComparisonOperator.GE, 60), COUNT)).getCount().getCount())
        .isEqualTo(ref.get("count_age_ge_60").asLong());
    for (String var : List.of("age", "nodes")) {
      var s = answered(run(e, null, summary(var))).getSummary();
      JsonNode r = ref.get(var);
      assertThat(s.getN()).isEqualTo(r.get("n").asLong());
      assertThat(s.getMissing()).isEqualTo(r.get("missing").asLong());
      assertThat(s.getMean()).isCloseTo(r.get("mean").asDouble(), within(1e-9 * r.get("mean").asDouble()));
      assertThat(s.getVariance()).isCloseTo(r.get("variance").asDouble(), within(1e-9 * r.get("variance").asDouble()));
    }
    var rx = answered(run(e, null, table("rx", ""))).getTable();
    assertThat(rx.getRowLevelsList()).containsExactly("Obs", "Lev", "Lev+5FU");
    for (TableCell c : rx.getCellsList()) {
      assertThat(c.getCount()).isEqualTo(ref.get("table_rx").get(c.getRow()).asLong());
    }
    var differ = answered(run(e, null, table("differ", ""))).getTable();
    assertThat(differ.getRowLevelsList()).containsExactly("1", "2", "3", "<missing>");
    assertThat(differ.getCellsList()).filteredOn(c -> c.getRow().equals("<missing>")).singleElement()
        .extracting(TableCell::getCount).isEqualTo(ref.get("table_differ_missing").asLong());
  }

  @Test
  void histogramBinsAreHalfOpenWithTheLastClosed() throws Exception {
    AnalysisEngine e = engine(SharedData.colonDataset(0, SharedData.ALL, "min-cell-count: 1"));
    var h = answered(run(e, null, histogram("age", 40.0, 60.0, 85.0))).getHistogram();
    long below40 = answered(run(e, cmp("age", ComparisonOperator.LT, 40), COUNT)).getCount().getCount();
    long from60 = answered(run(e, cmp("age", ComparisonOperator.GE, 60), COUNT)).getCount().getCount();
    assertThat(h.getBelow()).isEqualTo(below40);
    assertThat(h.getCounts(1)).isEqualTo(from60); // max age is 85: the closed last bin holds it
    assertThat(h.getAbove()).isZero();
    assertThat(h.getBelow() + h.getCounts(0) + h.getCounts(1) + h.getAbove() + h.getMissing()).isEqualTo(929);
  }

  /**
   * Site 1's colon dataset with the patient id declared as an ordinary integer, as a careless site might: the cohort
   * and cell rules must hold even against requests that pick patients one by one.
   */
  private static String site1ExposingIds() {
    String dataset = SharedData.colonDataset(1, SharedData.ALL, "");
    assertThat(dataset).contains("{name: id, type: identifier}");
    return dataset.replace("{name: id, type: identifier}", "{name: id, type: integer}");
  }

  @Test
  void aCohortOfNineIsRefused() throws Exception {
    AnalysisEngine e = engine(site1ExposingIds());
    Filter nine = idsOfSite1(9);
    assertThat(refusedBy(run(e, nine, COUNT))).isEqualTo(DisclosureRule.MIN_COHORT_SIZE);
    assertThat(refusedBy(run(e, nine, summary("age")))).isEqualTo(DisclosureRule.MIN_COHORT_SIZE);
    assertThat(answered(run(e, idsOfSite1(10), COUNT)).getCount().getCount()).isEqualTo(10);
  }

  @Test
  void aComplementOfNineIsRefused() throws Exception {
    AnalysisEngine e = engine(site1ExposingIds());
    Filter allButNine = Filter.newBuilder().setNot(idsOfSite1(9)).build();
    assertThat(refusedBy(run(e, allButNine, COUNT))).isEqualTo(DisclosureRule.MIN_COMPLEMENT_SIZE);
    assertThat(refusedBy(run(e, allButNine, summary("age")))).isEqualTo(DisclosureRule.MIN_COMPLEMENT_SIZE);
    // "Everyone but one": a mean over all but one patient would reveal that patient's age.
    Filter allButOne = Filter.newBuilder().setNot(idsOfSite1(1)).build();
    assertThat(refusedBy(run(e, allButOne, summary("age")))).isEqualTo(DisclosureRule.MIN_COMPLEMENT_SIZE);
    assertThat(answered(run(e, Filter.newBuilder().setNot(idsOfSite1(10)).build(), COUNT))).isNotNull();
  }

  @Test
  void aTableWithACellOfOneIsRefused() throws Exception {
    AnalysisEngine e = engine(site1ExposingIds());
    // Tabulating the patient id gives one record per cell.
    assertThat(refusedBy(run(e, null, table("id", "")))).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
    // A cohort of 10 in which exactly one patient has some treatment: the 10 ids plus rx give small cells.
    assertThat(refusedBy(run(e, idsOfSite1(10), table("rx", "status")))).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
    assertThat(answered(run(e, null, table("rx", "status"))).getTable().getCellsCount()).isEqualTo(6);
  }

  @Test
  void aHistogramBinOfThreeIsRefused() throws Exception {
    List<Integer> ages = Files.readAllLines(SharedData.dir().resolve("colon_site1.csv")).stream().skip(1)
        .map(l -> Integer.parseInt(l.split(",")[3])).sorted().toList();
    assertThat(ages.stream().filter(a -> a < 31).count()).as("site 1 has three patients under 31").isEqualTo(3);
    AnalysisEngine e = engine(SharedData.colonDataset(1, SharedData.ALL, ""));
    var outcome = run(e, null, histogram("age", 0.0, 31.0, 100.0));
    assertThat(refusedBy(outcome)).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
    assertThat(((NodeOutcome.Refused) outcome).refusal().reason()).contains("histogram bin").doesNotContain("3 ");
    // Values outside the breaks count too: "below 31" is the same bin in disguise.
    assertThat(refusedBy(run(e, null, histogram("age", 31.0, 100.0)))).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
  }

  @Test
  void missingValueCountsAreCellsToo() throws Exception {
    AnalysisEngine e = engine(SharedData.colonDataset(1, SharedData.ALL, ""));
    // About six patients per site have no node count.
    assertThat(refusedBy(run(e, null, summary("nodes")))).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
  }

  @Test
  void analysesOffTheAllowListAreDenied() throws Exception {
    AnalysisEngine e = engine(SharedData.colonDataset(1, "count", ""));
    assertThat(answered(run(e, null, COUNT)).getCount().getCount()).isEqualTo(309);
    assertThatThrownBy(() -> run(e, null, summary("age")))
        .isInstanceOfSatisfying(RequestException.class, ex -> assertThat(ex.code()).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("analysis summary is not enabled for dataset colon on node test");
  }

  @Test
  void analysesCheckTheirVariables() throws Exception {
    AnalysisEngine e = engine(SharedData.colonDataset(1, SharedData.ALL, ""));
    assertThatThrownBy(() -> run(e, null, summary("rx"))).hasMessageContaining("summary needs a numeric");
    assertThatThrownBy(() -> run(e, null, summary("weight"))).hasMessageContaining("unknown variable 'weight'");
    assertThatThrownBy(() -> run(e, null, table("time", ""))).hasMessageContaining("use a histogram");
    assertThatThrownBy(() -> run(e, null, table("rx", "rx"))).hasMessageContaining("two different variables");
    assertThatThrownBy(() -> run(e, null, histogram("age", 50.0, 40.0))).hasMessageContaining("strictly increasing");
    assertThatThrownBy(() -> run(e, null, histogram("age", 50.0))).hasMessageContaining("between 2 and");
    assertThatThrownBy(() -> run(e, null, Analysis.getDefaultInstance())).hasMessageContaining("names no analysis");
    assertThatThrownBy(() -> e.run(new AnalysisEngine.Request("secret", false, Filter.getDefaultInstance(), COUNT)))
        .isInstanceOfSatisfying(RequestException.class, ex -> assertThat(ex.code()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void dataThatDoesNotFitItsDeclarationStopsTheNode() throws IOException {
    Path csv = tmp.resolve("bad.csv");
    Files.writeString(csv, "id,rx\n1,Obs\n2,Placebo\n");
    String dataset = """
          - name: bad
            files: ["%s"]
            variables:
              - {name: id, type: integer}
              - {name: rx, type: categorical, levels: [Obs, Lev]}
        """.formatted(csv);
    NodeSettings settings = SharedData.node(tmp, "bad", dataset);
    assertThatThrownBy(() -> DatasetStore.open(settings.datasets()))
        .hasMessage("dataset bad: file " + csv + ", column rx, row 2: 'Placebo' is not a declared level of rx "
            + "(declared: 'Obs', 'Lev')");
    String undeclaredColumn = dataset.replace("name: rx, type: categorical, levels: [Obs, Lev]", "name: weight, type: numeric");
    NodeSettings missing = SharedData.node(tmp, "bad2", undeclaredColumn);
    assertThatThrownBy(() -> DatasetStore.open(missing.datasets()))
        .hasMessageStartingWith("dataset bad: file " + csv + " has no column weight (a declared variable)");
  }

  /** A filter selecting the first {@code n} patients of site 1 by id. */
  private static Filter idsOfSite1(int n) throws IOException {
    InSet.Builder in = InSet.newBuilder().setVariable("id");
    Files.readAllLines(SharedData.dir().resolve("colon_site1.csv")).stream().skip(1).limit(n)
        .forEach(l -> in.addValues(Value.newBuilder().setNumber(Double.parseDouble(l.split(",")[0]))));
    return Filter.newBuilder().setInSet(in).build();
  }

  @Test
  void booleanAndDateVariablesFilterAndTabulate() throws Exception {
    StringBuilder csv = new StringBuilder("id,smoker,visit,weight\n");
    for (int i = 0; i < 60; i++) {
      // 30 smokers; visits across 2020 and 2021; every 6th weight missing
      csv.append(i).append(',').append(i % 2 == 0).append(',')
          .append(java.time.LocalDate.of(2020, 1, 1).plusDays(12L * i)).append(',')
          .append(i % 6 == 5 ? "" : String.valueOf(60 + i * 0.5)).append('\n');
    }
    Path file = tmp.resolve("visits.csv");
    Files.writeString(file, csv);
    AnalysisEngine e = engine("""
          - name: visits
            files: ["%s"]
            analyses: [count, table, summary]
            variables:
              - {name: id, type: integer}
              - {name: smoker, type: boolean}
              - {name: visit, type: date}
              - {name: weight, type: numeric}
        """.formatted(file));
    Filter in2020 = Filter.newBuilder().setRange(org.fedstats.proto.v1.Range.newBuilder().setVariable("visit")
        .setLow(Value.newBuilder().setDate("2020-01-01")).setHigh(Value.newBuilder().setDate("2021-01-01"))
        .setHighExclusive(true)).build();
    Filter smokers = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("smoker")
        .setOp(ComparisonOperator.EQ).setValue(Value.newBuilder().setBoolean(true))).build();
    long expected2020 = java.util.stream.IntStream.range(0, 60)
        .filter(i -> java.time.LocalDate.of(2020, 1, 1).plusDays(12L * i).getYear() == 2020).count();
    assertThat(answered(e.run(new AnalysisEngine.Request("visits", true, in2020, COUNT))).getCount().getCount())
        .isEqualTo(expected2020);
    assertThat(answered(e.run(new AnalysisEngine.Request("visits", true, smokers, COUNT))).getCount().getCount())
        .isEqualTo(30);
    var table = answered(e.run(new AnalysisEngine.Request("visits", false, Filter.getDefaultInstance(),
        table("smoker", "")))).getTable();
    assertThat(table.getRowLevelsList()).containsExactly("false", "true");
    assertThat(table.getCellsList()).extracting(TableCell::getCount).containsExactly(30L, 30L);
    var weight = answered(e.run(new AnalysisEngine.Request("visits", false, Filter.getDefaultInstance(),
        summary("weight")))).getSummary();
    assertThat(weight.getN()).isEqualTo(50);
    assertThat(weight.getMissing()).isEqualTo(10);
  }

  @Test
  void aCancelledAnalysisRunsNoStatement() throws Exception {
    AnalysisEngine e = engine(SharedData.colonDataset(1, SharedData.ALL, ""));
    Cancellation cancellation = new Cancellation();
    cancellation.cancel();
    assertThatThrownBy(() -> e.run(new AnalysisEngine.Request("colon", false, Filter.getDefaultInstance(), COUNT),
        cancellation)).isInstanceOf(Cancellation.CancelledException.class);
  }
}
