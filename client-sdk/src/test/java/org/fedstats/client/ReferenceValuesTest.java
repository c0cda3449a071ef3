package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fedstats.client.analysis.summary.Summary;
import org.fedstats.client.analysis.table.Table;
import org.fedstats.client.filter.Filters;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over real Netty on loopback: SDK, coordinator and three nodes holding one site file each. Pooled
 * results must equal what R computed on the pooled data (counts exactly, moments to 1e-9 relative).
 *
 * <p>Site files are small, so a few pooled statistics need thresholds below the defaults to be released at all:
 * those nodes ("lenient") run with min-cell-count 1; default-policy nodes ("strict") show the same requests refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceValuesTest {
  private NettyFederation strict;
  private NettyFederation lenient;
  private FederationClient strictClient;
  private FederationClient lenientClient;
  private JsonNode colon;
  private JsonNode infert;

  /** Where the nodes read the site data: the files, here; PostgreSQL in {@code PostgresReferenceValuesTest}. */
  SharedData.Storage storage() {
    return SharedData.Storage.FILES;
  }

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    colon = SharedData.reference("colon");
    infert = SharedData.reference("infert");
    strict = new NettyFederation(tmp.resolve("strict"), site ->
        SharedData.colonDataset(storage(), site, SharedData.ALL, "")
            + SharedData.infertDataset(storage(), site, SharedData.ALL, ""));
    lenient = new NettyFederation(tmp.resolve("lenient"), site ->
        SharedData.colonDataset(storage(), site, SharedData.ALL, "min-cell-count: 1, min-complement-size: 1")
            + SharedData.infertDataset(storage(), site, SharedData.ALL, "min-cell-count: 1"));
    strictClient = FederationClient.connect(strict.address(), "tester", Duration.ofSeconds(30));
    lenientClient = FederationClient.connect(lenient.address(), "tester", Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {strictClient, lenientClient, strict, lenient}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static void assertMoments(Summary s, JsonNode ref) {
    assertThat(s.n()).isEqualTo(ref.get("n").asLong());
    assertThat(s.missing()).isEqualTo(ref.get("missing").asLong());
    assertThat(s.mean()).isCloseTo(ref.get("mean").asDouble(), within(1e-9 * Math.abs(ref.get("mean").asDouble())));
    assertThat(s.variance()).isCloseTo(ref.get("variance").asDouble(), within(1e-9 * ref.get("variance").asDouble()));
  }

  @Test
  void colonCounts() {
    Query q = strictClient.dataset("colon");
    assertThat(q.count().pooledOrThrow().count()).isEqualTo(colon.get("count_all").asLong());
    assertThat(q.where(Filters.eq("sex", 0)).count().pooledOrThrow().count())
        .isEqualTo(colon.get("count_female").asLong());
    assertThat(q.where("age >= 60").count().pooledOrThrow().count())
        .isEqualTo(colon.get("count_age_ge_60").asLong());
  }

  @Test
  void colonAgeSummaryUnderDefaultRules() {
    var result = strictClient.dataset("colon").summary("age");
    assertThat(result.sites()).extracting(Results.Site::status).containsOnly(SiteOutcome.Status.ANSWERED);
    assertMoments(result.pooledOrThrow(), colon.get("age"));
  }

  @Test
  void colonNodesSummaryWithMissingValues() {
    // About six missing per site: the default rules refuse; with min-cell-count 1 the pooled moments equal R's.
    var refused = strictClient.dataset("colon").summary("nodes");
    assertThat(refused.pooled()).isEmpty();
    assertThat(refused.sites()).allSatisfy(s -> assertThat(s.refusal()).get()
        .extracting(Results.Refusal::rule).isEqualTo("min-cell-count"));
    assertMoments(lenientClient.dataset("colon").summary("nodes").pooledOrThrow(), colon.get("nodes"));
  }

  @Test
  void colonTables() {
    Table rx = strictClient.dataset("colon").table("rx").pooledOrThrow();
    assertThat(rx.rowLevels()).containsExactly("Obs", "Lev", "Lev+5FU");
    for (String level : rx.rowLevels()) {
      assertThat(rx.count(level)).isEqualTo(colon.get("table_rx").get(level).asLong());
    }
    Table byStatus = strictClient.dataset("colon").table("rx", "status").pooledOrThrow();
    assertTable(byStatus, colon.get("table_rx_by_status"));
    // Chi-squared from the pooled table equals R's chisq.test(correct = FALSE).
    assertThat(chiSquared(byStatus.counts())).isCloseTo(colon.get("chisq_rx_status").asDouble(), within(1e-9));

    Table differ = lenientClient.dataset("colon").table("differ").pooledOrThrow();
    assertThat(differ.count("<missing>")).isEqualTo(colon.get("table_differ_missing").asLong());
    assertThat(differ.total()).isEqualTo(929);
  }

  @Test
  void colonHistogramAddsUpToTheCohort() {
    var h = strictClient.dataset("colon").histogram("age", List.of(0.0, 40.0, 50.0, 60.0, 70.0, 100.0))
        .pooledOrThrow();
    assertThat(h.counts().stream().mapToLong(Long::longValue).sum() + h.below() + h.above() + h.missing())
        .isEqualTo(929);
    long ge60 = strictClient.dataset("colon").where("age >= 60").count().pooledOrThrow().count();
    assertThat(h.counts().get(3) + h.counts().get(4)).isEqualTo(ge60);
  }

  @Test
  void infertSummaries() {
    assertMoments(strictClient.dataset("infert").summary("age").pooledOrThrow(), infert.get("age"));
    assertMoments(strictClient.dataset("infert").summary("parity").pooledOrThrow(), infert.get("parity"));
  }

  @Test
  void infertEducationByCase() {
    // Cells of 1 to 3 at each site: refused by default, exact with min-cell-count 1.
    var refused = strictClient.dataset("infert").table("education", "case");
    assertThat(refused.pooled()).isEmpty();
    assertThat(refused.note()).contains("min-cell-count");
    assertTable(lenientClient.dataset("infert").table("education", "case").pooledOrThrow(),
        infert.get("table_education_by_case"));
  }

  /** Every cell of R's two-way table (rows, cols, counts) equals the pooled cell with the same labels. */
  private static void assertTable(Table pooled, JsonNode ref) {
    for (int r = 0; r < ref.get("rows").size(); r++) {
      for (int c = 0; c < ref.get("cols").size(); c++) {
        assertThat(pooled.count(ref.get("rows").get(r).asText(), ref.get("cols").get(c).asText()))
            .isEqualTo(ref.get("counts").get(r).get(c).asLong());
      }
    }
  }

  private static double chiSquared(long[][] counts) {
    double total = 0;
    double[] rows = new double[counts.length];
    double[] cols = new double[counts[0].length];
    for (int r = 0; r < counts.length; r++) {
      for (int c = 0; c < counts[r].length; c++) {
        rows[r] += counts[r][c];
        cols[c] += counts[r][c];
        total += counts[r][c];
      }
    }
    double chi = 0;
    for (int r = 0; r < counts.length; r++) {
      for (int c = 0; c < counts[r].length; c++) {
        double expected = rows[r] * cols[c] / total;
        chi += (counts[r][c] - expected) * (counts[r][c] - expected) / expected;
      }
    }
    return chi;
  }
}
