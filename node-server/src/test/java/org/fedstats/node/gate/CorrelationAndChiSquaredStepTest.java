package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.ChiSquaredAnalysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CorrelationAnalysis;
import org.fedstats.proto.v1.CorrelationStats;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.Value;
import org.fedstats.stats.correlation.CoMoments;
import org.fedstats.stats.correlation.Correlation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The correlation and chi-squared units on a node: their statistics, and the rules that keep them safe. */
class CorrelationAndChiSquaredStepTest {
  @TempDir
  Path tmp;
  private DatasetStore store;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  private AnalysisEngine engine(int site, String disclosure) throws Exception {
    NodeSettings settings = SharedData.node(tmp.resolve("s" + site + disclosure.hashCode()), "test",
        SharedData.colonDataset(site, "count, table, correlation, chisq", disclosure));
    if (store != null) {
      store.close();
    }
    store = DatasetStore.open(settings.datasets());
    return new AnalysisEngine(settings, store);
  }

  private static NodeOutcome run(AnalysisEngine e, Filter filter, Analysis analysis) throws Exception {
    return e.run(new AnalysisEngine.Request("colon", filter != null,
        filter == null ? Filter.getDefaultInstance() : filter, analysis));
  }

  private static Analysis correlation(String... variables) {
    return Analysis.newBuilder().setCorrelation(CorrelationAnalysis.newBuilder().addAllVariables(List.of(variables)))
        .build();
  }

  private static CoMoments coMoments(CorrelationStats s) {
    int k = s.getVariablesCount();
    double[][] c = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        c[i][j] = s.getComoment(i * k + j);
      }
    }
    return new CoMoments(s.getVariablesList(), s.getN(),
        s.getMeanList().stream().mapToDouble(Double::doubleValue).toArray(), c);
  }

  @Test
  void correlationOverAllSitesFilesEqualsR() throws Exception {
    double expected = SharedData.reference("colon").get("cor_age_nodes").asDouble();
    NodeOutcome o = run(engine(0, ""), null, correlation("age", "nodes"));
    CorrelationStats stats = ((NodeOutcome.Answered) o).result().getCorrelationStats();
    assertThat(stats.getN()).isEqualTo(929 - 18);
    double r = Correlation.analyse(coMoments(stats)).correlation()[0][1];
    assertThat(r).isCloseTo(expected, within(1e-12));
  }

  @Test
  void aFewRecordsLeftOutForMissingValuesWithholdTheCorrelation() throws Exception {
    // Site 1 has fewer than 10 patients without a lymph node count: leaving them out would single them out
    // against a count of the whole cohort.
    NodeOutcome o = run(engine(1, ""), null, correlation("age", "nodes"));
    assertThat(o).isInstanceOf(NodeOutcome.Refused.class);
    assertThat(((NodeOutcome.Refused) o).refusal().rule()).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
    assertThat(((NodeOutcome.Refused) o).refusal().reason()).contains("left out for a missing value")
        .doesNotContainPattern("\\b[1-9]\\b records");
    // Without a missing value, the same site answers.
    assertThat(run(engine(1, ""), null, correlation("age", "time"))).isInstanceOf(NodeOutcome.Answered.class);
  }

  @Test
  void aCorrelationOnFewRecordsIsRefusedLikeASummary() throws Exception {
    Filter eleven = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setOp(ComparisonOperator.GE).setValue(Value.newBuilder().setNumber(75))).build();
    NodeOutcome o = run(engine(1, "min-summary-n: 500"), eleven, correlation("age", "time"));
    assertThat(((NodeOutcome.Refused) o).refusal().rule()).isIn(DisclosureRule.MIN_SUMMARY_N,
        DisclosureRule.MIN_COHORT_SIZE);
  }

  @Test
  void correlationRequestsAreChecked() throws Exception {
    AnalysisEngine e = engine(1, "");
    assertThatThrownBy(() -> run(e, null, correlation("age"))).isInstanceOf(RequestException.class)
        .hasMessageContaining("between 2 and 20 variables");
    assertThatThrownBy(() -> run(e, null, correlation("age", "age"))).hasMessageContaining("each variable once");
    assertThatThrownBy(() -> run(e, null, correlation("age", "rx"))).hasMessageContaining("numeric or integer");
    assertThatThrownBy(() -> run(e, null, correlation("age", "agee"))).hasMessageContaining("did you mean 'age'");
  }

  @Test
  void chiSquaredSitesReleaseExactlyTheTableAndItsCells() throws Exception {
    AnalysisEngine e = engine(1, "");
    Analysis chisq = Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder().setRowVariable("rx")
        .setColumnVariable("status")).build();
    Analysis table = Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable("rx")
        .setColumnVariable("status")).build();
    assertThat(((NodeOutcome.Answered) run(e, null, chisq)).result())
        .isEqualTo(((NodeOutcome.Answered) run(e, null, table)).result());
    // A cell below the threshold withholds the test as it would the table.
    Analysis small = Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder().setRowVariable("rx")
        .setColumnVariable("differ")).build();
    assertThat(run(e, null, small)).isInstanceOf(NodeOutcome.Refused.class);
    assertThatThrownBy(() -> run(e, null, Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder()
        .setRowVariable("rx").setColumnVariable("rx")).build())).hasMessageContaining("two different variables");
  }
}
