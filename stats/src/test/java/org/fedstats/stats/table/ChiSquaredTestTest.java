package org.fedstats.stats.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.fedstats.stats.testing.TestData;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;

class ChiSquaredTestTest {

    private static CountTable siteTable(List<Map<String, String>> rows, String x, String y) {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (Map<String, String> row : rows) {
            a.add(row.get(x));
            b.add(row.get(y));
        }
        return CountTable.tabulate(a, b);
    }

    private static CountTable pooled(String dataset, String x, String y) {
        List<CountTable> perSite = new ArrayList<>();
        for (List<Map<String, String>> rows : TestData.sites(dataset)) {
            perSite.add(siteTable(rows, x, y));
        }
        return CountTable.pool(perSite);
    }

    private static void assertSameCells(CountTable t, JsonNode ref) {
        for (int i = 0; i < ref.get("rows").size(); i++) {
            for (int j = 0; j < ref.get("cols").size(); j++) {
                assertThat(t.count(ref.get("rows").get(i).asText(), ref.get("cols").get(j).asText()))
                        .isEqualTo(ref.get("counts").get(i).get(j).asLong());
            }
        }
        assertThat(t.rowLabels()).hasSize(ref.get("rows").size());
        assertThat(t.columnLabels()).hasSize(ref.get("cols").size());
    }

    @Test
    void pooledColonRxByStatusMatchesR() {
        JsonNode ref = TestData.reference("colon");
        CountTable t = pooled("colon", "rx", "status");
        assertSameCells(t, ref.get("table_rx_by_status"));
        assertThat(t.rowLabels()).containsExactly("Lev", "Lev+5FU", "Obs");
        ChiSquaredResult r = ChiSquaredTest.independence(t);
        double expected = ref.get("chisq_rx_status").asDouble();
        double rel = Math.abs(r.statistic() - expected) / expected;
        TestData.report("chi-squared vs R: " + r.statistic() + " vs " + expected + ", relative error " + rel);
        assertThat(rel).isLessThan(1e-10);
        assertThat(r.df()).isEqualTo(2);
        assertThat(r.n()).isEqualTo(929);
        // for 2 df the upper tail is exp(-x/2)
        assertThat(r.pValue()).isCloseTo(Math.exp(-r.statistic() / 2), within(1e-15));
        assertThat(r.lowExpected()).isFalse();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.droppedRows()).isEmpty();
    }

    @Test
    void poolingSitesEqualsTabulatingAllRows() {
        List<Map<String, String>> all = new ArrayList<>();
        TestData.sites("colon").forEach(all::addAll);
        CountTable whole = siteTable(all, "rx", "status");
        assertThat(pooled("colon", "rx", "status")).isEqualTo(whole);
        assertThat(ChiSquaredTest.independence(pooled("colon", "rx", "status")))
                .isEqualTo(ChiSquaredTest.independence(whole));
        // differ has missing values: pairs with a missing value are left out, as table() does
        CountTable differ = pooled("colon", "differ", "status");
        assertThat(differ).isEqualTo(siteTable(all, "differ", "status"));
        assertThat(differ.total()).isEqualTo(929 - 23);
    }

    @Test
    void pooledInfertEducationByCaseMatchesR() {
        JsonNode ref = TestData.reference("infert");
        CountTable t = pooled("infert", "education", "case");
        assertSameCells(t, ref.get("table_education_by_case"));
        ChiSquaredResult r = ChiSquaredTest.independence(t);
        assertThat(r.df()).isEqualTo(2);
        assertThat(r.lowExpected()).isTrue(); // 12 women with 0-5 years: expected 4 cases
        assertThat(r.warnings()).anyMatch(w -> w.contains("approximation may be incorrect"));
    }

    @Test
    void sitesWithDifferentLevelsPoolByLabel() {
        CountTable a = new CountTable(List.of("x", "y"), List.of("0", "1"), new long[][] {{1, 2}, {3, 4}});
        CountTable b = new CountTable(List.of("z", "x"), List.of("1"), new long[][] {{5}, {6}});
        CountTable s = a.plus(b);
        assertThat(s.rowLabels()).containsExactly("x", "y", "z");
        assertThat(s.columnLabels()).containsExactly("0", "1");
        assertThat(s.counts()).isDeepEqualTo(new long[][] {{1, 8}, {3, 4}, {0, 5}});
        assertThat(s.total()).isEqualTo(a.total() + b.total());
    }

    @Test
    void handComputedTableWithAZeroRowAndColumn() {
        // 2x2 core [[10, 20], [30, 40]]: E = [[12, 18], [28, 42]], X2 = 4/12 + 4/18 + 4/28 + 4/42
        long[][] counts = {{10, 0, 20}, {0, 0, 0}, {30, 0, 40}};
        ChiSquaredResult r = ChiSquaredTest.independence(counts);
        assertThat(r.droppedRows()).containsExactly("2");
        assertThat(r.droppedColumns()).containsExactly("2");
        assertThat(r.warnings()).hasSize(2);
        assertThat(r.df()).isEqualTo(1);
        assertThat(r.expected()).isDeepEqualTo(new double[][] {{12, 18}, {28, 42}});
        assertThat(r.statistic()).isCloseTo(4.0 / 12 + 4.0 / 18 + 4.0 / 28 + 4.0 / 42, within(1e-14));
        assertThat(r.pValue())
                .isCloseTo(1 - new ChiSquaredDistribution(1).cumulativeProbability(r.statistic()), within(1e-14));
        assertThat(r.minExpected()).isEqualTo(12);
        assertThat(r.lowExpected()).isFalse();
    }

    @Test
    void tinyPValuesDoNotUnderflowToZero() {
        // X2 = 400 on 1 df: p = erfc(sqrt(200)) ~ 5e-89, where 1 - cdf would give 0 (R: pchisq(400, 1, lower = FALSE))
        ChiSquaredResult r = ChiSquaredTest.independence(new long[][] {{200, 0}, {0, 200}});
        assertThat(r.statistic()).isCloseTo(400, within(1e-9));
        double exact = org.hipparchus.special.Erf.erfc(Math.sqrt(200));
        assertThat(r.pValue()).isPositive().isLessThan(1e-80);
        assertThat(Math.abs(r.pValue() - exact) / exact).isLessThan(1e-10);
        assertThat(ChiSquaredTest.independence(new long[][] {{5, 5}, {5, 5}}).pValue()).isEqualTo(1.0);
    }

    @Test
    void rejectsInvalidTables() {
        assertThatThrownBy(() -> ChiSquaredTest.independence(new long[][] {{1, -1}, {2, 3}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> ChiSquaredTest.independence(new long[][] {{1, 2}, {3}}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChiSquaredTest.independence(new long[][] {{1, 2}, {0, 0}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two non-empty rows");
        assertThatThrownBy(() -> ChiSquaredTest.independence(new long[][] {{0, 0}, {0, 0}}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CountTable(List.of("a", "a"), List.of("b"), new long[][] {{1}, {2}}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
