package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.Requests;
import org.fedstats.node.testing.SharedData;
import org.fedstats.node.testing.SharedData.Storage;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.InSet;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same site's records read from its CSV file into DuckDB and from its PostgreSQL table give the same answers,
 * the same record sets (the overlap audit's row ids) and the same row count: the SQL dialect layer changes the engine,
 * not the results. Skipped without a PostgreSQL server (FEDSTATS_PG_URL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresEngineTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  private static final String RULES = "min-cell-count: 1, min-complement-size: 1, overlap-min-difference: 1";
  private final List<DatasetStore> stores = new ArrayList<>();
  private AnalysisEngine duckdb;
  private AnalysisEngine postgres;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    String onPostgres = SharedData.colonDataset(Storage.POSTGRES, 2, SharedData.ALL, RULES);
    duckdb = engine(tmp.resolve("duckdb"), SharedData.colonDataset(Storage.FILES, 2, SharedData.ALL, RULES));
    postgres = engine(tmp.resolve("postgres"), onPostgres);
  }

  private AnalysisEngine engine(Path dir, String dataset) throws Exception {
    NodeSettings settings = SharedData.node(dir, "site2", dataset);
    DatasetStore store = DatasetStore.open(settings.datasets());
    stores.add(store);
    return new AnalysisEngine(settings, store);
  }

  @AfterAll
  void stop() throws Exception {
    for (DatasetStore s : stores) {
      s.close();
    }
  }

  private static NodeOutcome.Answered run(AnalysisEngine e, Filter filter, Analysis analysis) throws Exception {
    NodeOutcome o = e.run(new AnalysisEngine.Request("colon", filter != null,
        filter == null ? Filter.getDefaultInstance() : filter, analysis));
    assertThat(o).isInstanceOf(NodeOutcome.Answered.class);
    return (NodeOutcome.Answered) o;
  }

  /** Answers and record sets equal on both engines; returns PostgreSQL's answer. */
  private NodeOutcome.Answered same(Filter filter, Analysis analysis) throws Exception {
    NodeOutcome.Answered d = run(duckdb, filter, analysis);
    NodeOutcome.Answered p = run(postgres, filter, analysis);
    if (analysis.hasSummary()) {
      SummaryResult ds = d.result().getSummary();
      SummaryResult ps = p.result().getSummary();
      assertThat(ps.getN()).isEqualTo(ds.getN());
      assertThat(ps.getMissing()).isEqualTo(ds.getMissing());
      assertThat(ps.getMean()).isCloseTo(ds.getMean(), within(1e-12 * Math.abs(ds.getMean())));
    } else {
      assertThat(p.result()).isEqualTo(d.result());
    }
    assertThat(p.sets().orElseThrow().sets()).isEqualTo(d.sets().orElseThrow().sets());
    assertThat(p.sets().orElseThrow().version().rows()).isEqualTo(d.sets().orElseThrow().version().rows());
    return p;
  }

  @Test
  void countsTablesHistogramsAndSummariesAgreeWithDuckDb() throws Exception {
    assertThat(same(null, COUNT).result().getCount().getCount()).isPositive();
    same(Requests.cmp("age", ComparisonOperator.GE, 60), COUNT);
    same(Requests.and(Requests.cmp("sex", ComparisonOperator.EQ, 0), Requests.cmp("time", ComparisonOperator.LT,
        1000.5)), COUNT);
    same(Filter.newBuilder().setInSet(InSet.newBuilder().setVariable("rx").addValues(Value.newBuilder()
        .setText("Lev")).addValues(Value.newBuilder().setText("Lev+5FU"))).build(), COUNT);
    same(null, Requests.table("rx", "sex"));
    same(null, Requests.table("differ", ""));
    same(Requests.cmp("age", ComparisonOperator.GE, 40), Requests.histogram("age", 40.0, 60.0, 85.0));
    same(null, Requests.summary("nodes"));
    same(Requests.cmp("age", ComparisonOperator.LT, 70), Requests.summary("time"));
  }
}
