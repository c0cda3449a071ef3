package org.fedstats.stats.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.fedstats.stats.testing.TestData;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;

class MetaAnalysisTest {

    private static final double TOL = 1e-6;

    /** Relative error, or absolute when the reference is 0. */
    static double err(double actual, double expected) {
        return expected == 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
    }

    /**
     * With metafor's own REML control (threshold 1e-5, from Hedges' estimate) every number equals R's. With the
     * default tight threshold (1e-10) REML's τ² is the converged optimum, which differs from metafor's printed τ² by
     * up to about 1e-5 relative (6e-6 for rxLev+5FU); the pooled estimate and SE still agree to 1e-6.
     */
    @Test
    void matchesMetaforOnEveryTermOfTheColonLogisticModel() {
        double max = compareWithMetafor(RemlControl.METAFOR, TOL, TOL);
        TestData.report("meta-analysis vs metafor (metafor's REML control): max relative error " + max);
        double tight = compareWithMetafor(RemlControl.DEFAULT, TOL, 1e-5);
        TestData.report("meta-analysis vs metafor (REML to 1e-10): max relative error " + tight);
    }

    private static double compareWithMetafor(RemlControl control, double tol, double tau2Tol) {
        JsonNode terms = TestData.reference("colon").get("meta_logistic_status").get("terms");
        double max = 0;
        for (JsonNode t : terms) {
            List<SiteEstimate> sites = new ArrayList<>();
            for (int i = 0; i < t.get("site_estimates").size(); i++) {
                sites.add(new SiteEstimate(t.get("site_estimates").get(i).asDouble(),
                        t.get("site_variances").get(i).asDouble()));
            }
            MetaAnalysisResult r = MetaAnalysis.analyse(sites, 0.95, control);
            JsonNode fe = t.get("fixed");
            JsonNode dl = t.get("dersimonian_laird");
            JsonNode reml = t.get("reml");
            double[][] pairs = {
                {r.fixed().pooled().estimate(), fe.get("estimate").asDouble()},
                {r.fixed().pooled().standardError(), fe.get("std_error").asDouble()},
                {r.fixed().q(), fe.get("Q").asDouble()},
                {r.fixed().i2(), fe.get("I2").asDouble()},
                {r.derSimonianLaird().pooled().estimate(), dl.get("estimate").asDouble()},
                {r.derSimonianLaird().pooled().standardError(), dl.get("std_error").asDouble()},
                {r.derSimonianLaird().tau2(), dl.get("tau2").asDouble()},
                {r.reml().pooled().estimate(), reml.get("estimate").asDouble()},
                {r.reml().pooled().standardError(), reml.get("std_error").asDouble()},
                {r.reml().tau2(), reml.get("tau2").asDouble()},
            };
            for (int i = 0; i < pairs.length; i++) {
                double[] p = pairs[i];
                assertThat(err(p[0], p[1])).as(t.get("term").asText() + " #" + i + ": " + p[0] + " vs R " + p[1])
                        .isLessThan(i == pairs.length - 1 ? tau2Tol : tol);
                max = Math.max(max, err(p[0], p[1]));
            }
            assertThat(r.reml().converged()).isTrue();
        }
        return max;
    }

    @Test
    void remlAtTheDefaultThresholdSolvesTheScoreEquation() {
        // rxLev+5FU from the colon reference: at the REML optimum tau2 > 0 solves Σw²(y − μ)² = tr P
        double[] y = {-0.236274743169209, -0.889498306738812, -0.540254502377674};
        double[] v = {0.0885647478834292, 0.0943452216424293, 0.0902947047541734};
        List<SiteEstimate> s = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            s.add(new SiteEstimate(y[i], v[i]));
        }
        double tau2 = MetaAnalysis.reml(s, 0.95).tau2();
        double sw = 0;
        double sw2 = 0;
        double swy = 0;
        for (int i = 0; i < 3; i++) {
            double w = 1 / (v[i] + tau2);
            sw += w;
            sw2 += w * w;
            swy += w * y[i];
        }
        double mu = swy / sw;
        double yppy = 0;
        for (int i = 0; i < 3; i++) {
            double w = 1 / (v[i] + tau2);
            yppy += w * w * (y[i] - mu) * (y[i] - mu);
        }
        assertThat(yppy).isCloseTo(sw - sw2 / sw, within(1e-8));
        assertThat(tau2).isCloseTo(0.014786088615, within(1e-11));
    }

    @Test
    void analyseTermsMatchesAnalysePerTerm() {
        JsonNode terms = TestData.reference("colon").get("meta_logistic_status").get("terms");
        List<String> names = new ArrayList<>();
        terms.forEach(t -> names.add(t.get("term").asText()));
        List<SiteCoefficients> sites = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            double[] est = new double[names.size()];
            double[] se = new double[names.size()];
            for (int j = 0; j < names.size(); j++) {
                est[j] = terms.get(j).get("site_estimates").get(i).asDouble();
                se[j] = Math.sqrt(terms.get(j).get("site_variances").get(i).asDouble());
            }
            sites.add(SiteCoefficients.ofStandardErrors(names, est, se));
        }
        Map<String, MetaAnalysisResult> all = MetaAnalysis.analyseTerms(sites, 0.95, RemlControl.METAFOR);
        assertThat(all.keySet()).containsExactlyElementsOf(names);
        JsonNode t = terms.get(2);
        assertThat(all.get("rxLev+5FU").reml().tau2())
                .isCloseTo(t.get("reml").get("tau2").asDouble(), within(1e-8));
        // sites may list the terms in another order
        List<String> reversed = new ArrayList<>(names).reversed();
        SiteCoefficients s0 = sites.get(0);
        double[] e = new double[names.size()];
        double[] v = new double[names.size()];
        for (int j = 0; j < names.size(); j++) {
            e[j] = s0.get(reversed.get(j)).estimate();
            v[j] = s0.get(reversed.get(j)).variance();
        }
        Map<String, MetaAnalysisResult> again = MetaAnalysis.analyseTerms(
                List.of(sites.get(1), new SiteCoefficients(reversed, e, v), sites.get(2)));
        assertThat(again.get("age").fixed().pooled().estimate())
                .isCloseTo(all.get("age").fixed().pooled().estimate(), within(1e-15));
        assertThatThrownBy(() -> MetaAnalysis.analyseTerms(List.of(sites.get(0),
                new SiteCoefficients(List.of("(Intercept)"), new double[] {1}, new double[] {1}))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handComputedTwoSites() {
        // y = 1, 3; v = 1, 1: FE 2, se sqrt(1/2), Q = 2, I2 = 50; DL tau2 = (2 - 1)/(2 - 1) = 1
        List<SiteEstimate> s = List.of(new SiteEstimate(1, 1), new SiteEstimate(3, 1));
        MetaAnalysisResult r = MetaAnalysis.analyse(s);
        assertThat(r.fixed().pooled().estimate()).isEqualTo(2.0);
        assertThat(r.fixed().pooled().standardError()).isCloseTo(Math.sqrt(0.5), within(1e-15));
        assertThat(r.fixed().q()).isEqualTo(2.0);
        assertThat(r.fixed().qDf()).isEqualTo(1);
        assertThat(r.fixed().qPValue())
                .isCloseTo(1 - new ChiSquaredDistribution(1).cumulativeProbability(2), within(1e-14));
        assertThat(r.fixed().i2()).isCloseTo(50, within(1e-12));
        assertThat(r.derSimonianLaird().tau2()).isCloseTo(1, within(1e-14));
        assertThat(r.derSimonianLaird().pooled().standardError()).isCloseTo(1, within(1e-14));
        assertThat(r.derSimonianLaird().i2()).isCloseTo(r.fixed().i2(), within(1e-12));
        // equal variances: REML tau2 = sample variance of y minus v = 2 - 1 = 1
        assertThat(r.reml().tau2()).isCloseTo(1, within(1e-9));
        PooledEstimate p = r.fixed().pooled();
        double crit = new NormalDistribution(0, 1).inverseCumulativeProbability(0.975);
        assertThat(p.ciLower()).isCloseTo(2 - crit * Math.sqrt(0.5), within(1e-14));
        assertThat(p.ciUpper()).isCloseTo(2 + crit * Math.sqrt(0.5), within(1e-14));
        assertThat(p.z()).isCloseTo(2 / Math.sqrt(0.5), within(1e-14));
        assertThat(p.pValue()).isCloseTo(2 * (1 - new NormalDistribution(0, 1).cumulativeProbability(p.z())),
                within(1e-14));
    }

    @Test
    void remlWithEqualVariancesHasAClosedForm() {
        // equal vi = v: REML tau2 = max(0, s^2 - v), s^2 the sample variance of the y
        double[] y = {0.2, -0.4, 1.3, 0.9, 2.2};
        double v = 0.05;
        List<SiteEstimate> s = new ArrayList<>();
        double mean = 0;
        for (double yi : y) {
            s.add(new SiteEstimate(yi, v));
            mean += yi / y.length;
        }
        double ss = 0;
        for (double yi : y) {
            ss += (yi - mean) * (yi - mean);
        }
        RandomEffects reml = MetaAnalysis.reml(s, 0.95);
        assertThat(reml.tau2()).isCloseTo(ss / (y.length - 1) - v, within(1e-9));
        assertThat(reml.converged()).isTrue();
        assertThat(reml.iterations()).isPositive();
    }

    @Test
    void homogeneousSitesHaveTau2Zero() {
        List<SiteEstimate> s = List.of(new SiteEstimate(1.0, 1), new SiteEstimate(1.1, 2), new SiteEstimate(0.95, 3));
        MetaAnalysisResult r = MetaAnalysis.analyse(s);
        assertThat(r.derSimonianLaird().tau2()).isZero();
        assertThat(r.reml().tau2()).isZero();
        assertThat(r.fixed().i2()).isZero();
        assertThat(r.reml().pooled()).isEqualTo(r.fixed().pooled());
    }

    @Test
    void oneSiteGivesItsOwnEstimateAndTau2Zero() {
        MetaAnalysisResult r = MetaAnalysis.analyse(List.of(SiteEstimate.ofStandardError(0.7, 0.2)));
        for (PooledEstimate p : List.of(r.fixed().pooled(), r.derSimonianLaird().pooled(), r.reml().pooled())) {
            assertThat(p.estimate()).isEqualTo(0.7);
            assertThat(p.standardError()).isCloseTo(0.2, within(1e-15));
        }
        assertThat(r.fixed().q()).isZero();
        assertThat(r.fixed().qDf()).isZero();
        assertThat(r.fixed().qPValue()).isEqualTo(1.0);
        assertThat(r.fixed().i2()).isZero();
        assertThat(r.derSimonianLaird().tau2()).isZero();
        assertThat(r.reml().tau2()).isZero();
        assertThat(r.reml().iterations()).isZero();
    }

    @Test
    void rejectsInvalidInput() {
        assertThatThrownBy(() -> new SiteEstimate(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SiteEstimate(1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SiteEstimate(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SiteEstimate.ofStandardError(1, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetaAnalysis.analyse(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetaAnalysis.analyse(List.of(new SiteEstimate(1, 1)), 1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SiteCoefficients(List.of("a", "a"), new double[2], new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SiteCoefficients(List.of("a"), new double[2], new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
