package org.fedstats.stats.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.fedstats.stats.testing.TestData;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.stat.correlation.Covariance;
import org.hipparchus.stat.correlation.PearsonsCorrelation;
import org.junit.jupiter.api.Test;

class CorrelationTest {

    /** Node side, as a site would: its own rows into co-moments. */
    private static CoMoments site(List<Map<String, String>> rows, List<String> vars) {
        CoMoments.Accumulator acc = new CoMoments.Accumulator(vars);
        for (Map<String, String> row : rows) {
            double[] x = new double[vars.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = TestData.number(row, vars.get(i));
            }
            acc.add(x);
        }
        return acc.toCoMoments();
    }

    private static CoMoments pooled(String dataset, List<String> vars) {
        List<CoMoments> sites = new ArrayList<>();
        for (List<Map<String, String>> rows : TestData.sites(dataset)) {
            sites.add(site(rows, vars));
        }
        return CoMoments.pool(sites);
    }

    @Test
    void colonAgeNodesMatchesR() {
        JsonNode ref = TestData.reference("colon");
        CoMoments m = pooled("colon", List.of("age", "nodes"));
        assertThat(m.n()).isEqualTo(911); // age is complete, nodes misses 18
        CorrelationResult r = Correlation.analyse(m);
        double expected = ref.get("cor_age_nodes").asDouble();
        double e1 = TestData.relError(r.correlation()[0][1], expected);
        // all rows with nodes are complete cases, so R's mean and variance of nodes apply too
        double e2 = TestData.relError(r.mean()[1], ref.get("nodes").get("mean").asDouble());
        double e3 = TestData.relError(r.covariance()[1][1], ref.get("nodes").get("variance").asDouble());
        TestData.report("cor(age, nodes) vs R: " + r.correlation()[0][1] + " vs " + expected + ", relative error "
                + e1 + "; nodes mean/variance " + e2 + "/" + e3);
        assertThat(e1).isLessThan(1e-10);
        assertThat(e2).isLessThan(1e-10);
        assertThat(e3).isLessThan(1e-10);
        assertThat(r.correlation()[1][0]).isEqualTo(r.correlation()[0][1]);
        PairTest t = r.test("age", "nodes");
        assertThat(t.df()).isEqualTo(909);
        assertThat(t.r()).isEqualTo(r.correlation()[0][1]);
        double tt = Math.sqrt(909) * t.r() / Math.sqrt(1 - t.r() * t.r());
        assertThat(t.t()).isCloseTo(tt, within(1e-12));
        double p = 2 * new TDistribution(909).cumulativeProbability(-Math.abs(tt));
        assertThat(TestData.relError(t.pValue(), p)).isLessThan(1e-10);
    }

    @Test
    void infertAgeParityMatchesR() {
        JsonNode ref = TestData.reference("infert");
        CorrelationResult r = Correlation.analyse(pooled("infert", List.of("age", "parity")));
        double expected = ref.get("cor_age_parity").asDouble();
        double e = TestData.relError(r.correlation()[0][1], expected);
        TestData.report("cor(age, parity) vs R: relative error " + e);
        assertThat(e).isLessThan(1e-10);
        assertThat(r.n()).isEqualTo(248);
        assertThat(TestData.relError(r.mean()[0], ref.get("age").get("mean").asDouble())).isLessThan(1e-12);
        assertThat(TestData.relError(r.covariance()[0][0], ref.get("age").get("variance").asDouble())).isLessThan(1e-10);
        assertThat(TestData.relError(r.covariance()[1][1], ref.get("parity").get("variance").asDouble())).isLessThan(1e-10);
    }

    @Test
    void poolingSitesEqualsAllRowsAtOnce() {
        List<String> vars = List.of("age", "nodes", "time", "differ");
        List<Map<String, String>> all = new ArrayList<>();
        TestData.sites("colon").forEach(all::addAll);
        CoMoments whole = site(all, vars);
        CoMoments pooled = pooled("colon", vars);
        assertThat(pooled.n()).isEqualTo(whole.n());
        for (int i = 0; i < 4; i++) {
            assertThat(TestData.relError(pooled.mean()[i], whole.mean()[i])).isLessThan(1e-13);
            for (int j = 0; j < 4; j++) {
                assertThat(TestData.relError(pooled.comoment(i, j), whole.comoment(i, j))).isLessThan(1e-12);
            }
        }
        // and with Hipparchus's two-pass covariance and correlation on the complete-case rows
        List<double[]> complete = new ArrayList<>();
        for (Map<String, String> row : all) {
            double[] x = vars.stream().mapToDouble(v -> TestData.number(row, v)).toArray();
            if (java.util.Arrays.stream(x).noneMatch(Double::isNaN)) {
                complete.add(x);
            }
        }
        double[][] data = complete.toArray(double[][]::new);
        RealMatrix cov = new Covariance(data).getCovarianceMatrix();
        RealMatrix cor = new PearsonsCorrelation(data).getCorrelationMatrix();
        CorrelationResult r = Correlation.analyse(pooled);
        assertThat(r.n()).isEqualTo(data.length);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(TestData.relError(r.covariance()[i][j], cov.getEntry(i, j))).isLessThan(1e-12);
                assertThat(r.correlation()[i][j]).isCloseTo(cor.getEntry(i, j), within(1e-13));
            }
        }
        assertThat(r.tests()).extracting(PairTest::first, PairTest::second).containsExactly(
                org.assertj.core.groups.Tuple.tuple("age", "nodes"), org.assertj.core.groups.Tuple.tuple("age", "time"),
                org.assertj.core.groups.Tuple.tuple("age", "differ"), org.assertj.core.groups.Tuple.tuple("nodes", "time"),
                org.assertj.core.groups.Tuple.tuple("nodes", "differ"), org.assertj.core.groups.Tuple.tuple("time", "differ"));
    }

    @Test
    void pairwisePoolingIsExactOnHandData() {
        List<String> v = List.of("x", "y");
        double[][] a = {{1, 2}, {2, 1}, {3, 5}};
        double[][] b = {{4, 4}, {5, 3}};
        CoMoments ab = CoMoments.of(v, a).plus(CoMoments.of(v, b));
        // x: mean 3, Σ(x − 3)² = 10; y: mean 3, Σ(y − 3)² = 1 + 4 + 4 + 1 + 0 = 10; Σ(x−3)(y−3) = 2 + 2 + 0 + 1 + 0 = 5
        assertThat(ab.n()).isEqualTo(5);
        assertThat(ab.mean()).containsExactly(3, 3);
        assertThat(ab.comoment(0, 0)).isCloseTo(10, within(1e-14));
        assertThat(ab.comoment(1, 1)).isCloseTo(10, within(1e-14));
        assertThat(ab.comoment(0, 1)).isCloseTo(5, within(1e-14));
        assertThat(CoMoments.empty(v).plus(ab)).isEqualTo(ab);
        assertThat(ab.plus(CoMoments.empty(v))).isEqualTo(ab);
        CorrelationResult r = Correlation.analyse(ab);
        assertThat(r.correlation()[0][1]).isCloseTo(0.5, within(1e-15));
        assertThat(r.covariance()[0][1]).isCloseTo(1.25, within(1e-15));
    }

    @Test
    void stableWithALargeOffset() {
        // values 1e9 + small integers: exact in double, but their raw sums of squares (~1e18·n) are not
        Random rnd = new Random(42);
        int n = 2000;
        double[][] small = new double[n][2];
        double[][] shifted = new double[n][2];
        for (int i = 0; i < n; i++) {
            small[i][0] = rnd.nextInt(100);
            small[i][1] = small[i][0] + rnd.nextInt(50);
            shifted[i][0] = 1e9 + small[i][0];
            shifted[i][1] = 1e9 + small[i][1];
        }
        List<String> v = List.of("x", "y");
        CoMoments a = CoMoments.of(v, java.util.Arrays.copyOfRange(small, 0, 700))
                .plus(CoMoments.of(v, java.util.Arrays.copyOfRange(small, 700, n)));
        CoMoments b = CoMoments.of(v, java.util.Arrays.copyOfRange(shifted, 0, 700))
                .plus(CoMoments.of(v, java.util.Arrays.copyOfRange(shifted, 700, n)));
        CorrelationResult ra = Correlation.analyse(a);
        CorrelationResult rb = Correlation.analyse(b);
        // the running means near 1e9 round to ~1e-7 each update, so ~1e-9 relative remains; the textbook
        // Σx² − (Σx)²/n loses everything here (absolute error ~ 1e-16 · 2e21 against a true value ~ 1.7e6)
        assertThat(rb.correlation()[0][1]).isCloseTo(ra.correlation()[0][1], within(1e-8));
        assertThat(TestData.relError(rb.covariance()[0][0], ra.covariance()[0][0])).isLessThan(1e-8);
        assertThat(TestData.relError(rb.covariance()[0][1], ra.covariance()[0][1])).isLessThan(1e-8);
    }

    @Test
    void testStatisticAndPValueFollowCorTest() {
        // n = 4, df = 2: two-sided p = 1 − |t|/√(2 + t²)
        PairTest t = Correlation.test("a", "b", 0.6, 4);
        assertThat(t.t()).isCloseTo(0.6 * Math.sqrt(2 / 0.64), within(1e-14));
        assertThat(t.pValue()).isCloseTo(1 - Math.abs(t.t()) / Math.sqrt(2 + t.t() * t.t()), within(1e-14));
        PairTest neg = Correlation.test("a", "b", -0.6, 4);
        assertThat(neg.t()).isEqualTo(-t.t());
        assertThat(neg.pValue()).isEqualTo(t.pValue());
        assertThat(Correlation.test("a", "b", 1, 10).pValue()).isZero();
        assertThat(Correlation.test("a", "b", 0, 10).pValue()).isEqualTo(1.0);
        assertThat(Correlation.test("a", "b", 0.5, 2).pValue()).isNaN();
        // a tiny p value keeps its precision (2(1 − cdf) would be 0): r = 0.7 over 1000 rows, p ~ 1e-146
        PairTest big = Correlation.test("a", "b", 0.7, 1000);
        assertThat(big.pValue()).isPositive().isLessThan(1e-100);
        PairTest mid = Correlation.test("a", "b", 0.1, 1000);
        assertThat(TestData.relError(mid.pValue(), 2 * new TDistribution(998).cumulativeProbability(-mid.t()))).isLessThan(1e-10);
    }

    @Test
    void incompleteRowsAreLeftOutAndBadInputRejected() {
        CoMoments.Accumulator acc = new CoMoments.Accumulator(List.of("x", "y"));
        assertThat(acc.add(1, 2)).isTrue();
        assertThat(acc.add(Double.NaN, 2)).isFalse();
        assertThat(acc.add(3, 5)).isTrue();
        assertThat(acc.n()).isEqualTo(2);
        assertThat(acc.skipped()).isEqualTo(1);
        assertThatThrownBy(() -> acc.add(1, 2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acc.add(1, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        CoMoments m = acc.toCoMoments();
        assertThatThrownBy(() -> m.plus(CoMoments.empty(List.of("y", "x"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CoMoments(List.of("x", "y"), 3, new double[2], new double[][] {{1, 0.5}, {0.4, 1}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("symmetric");
        assertThatThrownBy(() -> new CoMoments(List.of("x"), 3, new double[1], new double[][] {{-1}}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Correlation.analyse(CoMoments.of(List.of("x"), new double[][] {{1}})))
                .isInstanceOf(IllegalArgumentException.class);
        CorrelationResult constant = Correlation.analyse(
                CoMoments.of(List.of("x", "y"), new double[][] {{1, 1}, {1, 2}, {1, 4}}));
        assertThat(constant.correlation()[0][1]).isNaN();
        assertThat(constant.tests().get(0).pValue()).isNaN();
    }
}
