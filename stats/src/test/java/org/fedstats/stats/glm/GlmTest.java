package org.fedstats.stats.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fedstats.stats.lm.LinearModel;
import org.fedstats.stats.lm.LmFit;
import org.fedstats.stats.lm.LmStats;
import org.fedstats.stats.model.Design;
import org.fedstats.stats.model.Formula;
import org.fedstats.stats.testing.TestData;
import org.fedstats.stats.model.VariableKind;
import org.junit.jupiter.api.Test;

class GlmTest {

    /** Each site's complete rows as GLM rows. */
    static List<List<GlmRow>> sites(String dataset, Design design) {
        List<List<GlmRow>> out = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            List<GlmRow> rows = new ArrayList<>();
            for (Map<String, String> raw : TestData.site(dataset, s)) {
                Map<String, Object> row = TestData.typed(design, raw);
                if (design.isComplete(row)) {
                    rows.add(GlmRow.of(design.row(row), design.response(row)));
                }
            }
            out.add(rows);
        }
        return out;
    }

    /** The federated fit driven as a coordinator would: request → each node's round → pool → accept. */
    static GlmFit federated(Family family, Design design, List<List<GlmRow>> sites) {
        Irls irls = new Irls(family, design.columns());
        assertThat(irls.nextBeta()).isNull();
        int rounds = 0;
        while (true) {
            GlmRequest request = irls.nextRequest();
            GlmRoundStats pooled = null;
            for (List<GlmRow> site : sites) {
                GlmRound.Accumulator acc = new GlmRound.Accumulator(family, design.width(), request);
                for (GlmRow r : site) {
                    acc.add(r.x(), r.y(), r.weight(), r.offset());
                }
                pooled = pooled == null ? acc.result() : pooled.plus(acc.result());
            }
            rounds++;
            Irls.Step step = irls.accept(pooled);
            if (step instanceof Irls.Step.Done done) {
                assertThat(rounds).isEqualTo(done.fit().iterations() + 1);
                assertThat(irls.result()).contains(done.fit());
                return done.fit();
            }
        }
    }

    private static GlmFit checkAgainstR(String dataset, Map<String, VariableKind> kinds, Family family, String formula,
            String key) {
        JsonNode ref = TestData.reference(dataset);
        Design design = Design.of(Formula.parse(formula), kinds);
        GlmFit fit = federated(family, design, sites(dataset, design));
        JsonNode r = ref.get(key);
        List<String> terms = new ArrayList<>();
        r.get("terms").forEach(t -> terms.add(t.asText()));
        assertThat(fit.columns()).isEqualTo(terms);
        assertThat(fit.converged()).isTrue();
        double estErr = TestData.maxRelError(fit.estimates(), r.get("estimate"));
        double seErr = TestData.maxRelError(fit.stdErrors(), r.get("std_error"));
        TestData.report(String.format("glm %s %s: max rel error estimate %.2e, std error %.2e, iterations %d", dataset,
                formula, estErr, seErr, fit.iterations()));
        assertThat(estErr).isLessThan(1e-6);
        assertThat(seErr).isLessThan(1e-6);
        return fit;
    }

    @Test
    void colonLogisticMatchesR() {
        GlmFit fit = checkAgainstR("colon", TestData.colonKinds(), Family.BINOMIAL,
                "status ~ rx + sex + age + nodes + obstruct", "glm_logistic_status");
        JsonNode r = TestData.reference("colon").get("glm_logistic_status_fit");
        double err = Math.max(Math.max(TestData.relError(fit.deviance(), r.get("deviance").asDouble()),
                TestData.relError(fit.nullDeviance(), r.get("null_deviance").asDouble())),
                TestData.relError(fit.aic(), r.get("aic").asDouble()));
        TestData.report(String.format("glm colon logistic fit: max rel error deviance/null deviance/AIC %.2e", err));
        assertThat(err).isLessThan(1e-6);
        assertThat(fit.dfResidual()).isEqualTo(r.get("df_residual").asLong());
        assertThat(fit.dfNull()).isEqualTo(fit.n() - 1);
        assertThat(fit.iterations()).isEqualTo(r.get("iterations").asInt());
        assertThat(fit.dispersion()).isEqualTo(1.0);
    }

    @Test
    void colonPoissonMatchesR() {
        checkAgainstR("colon", TestData.colonKinds(), Family.POISSON, "nodes ~ age + sex + obstruct",
                "glm_poisson_nodes");
    }

    @Test
    void infertLogisticMatchesR() {
        checkAgainstR("infert", TestData.infertKinds(), Family.BINOMIAL, "case ~ age + parity + induced + spontaneous",
                "glm_logistic_case");
    }

    @Test
    void federatedEqualsPooledRows() {
        for (Family family : List.of(Family.BINOMIAL, Family.POISSON)) {
            String formula = family == Family.BINOMIAL ? "status ~ rx + sex + age + nodes + obstruct"
                    : "nodes ~ age + sex + obstruct + rx";
            Design design = Design.of(Formula.parse(formula), TestData.colonKinds());
            List<List<GlmRow>> sites = sites("colon", design);
            List<GlmRow> all = sites.stream().flatMap(List::stream).toList();
            GlmFit fed = federated(family, design, sites);
            GlmFit one = PooledGlm.fit(family, design.columns(), all);
            assertThat(fed.iterations()).isEqualTo(one.iterations());
            for (int i = 0; i < design.width(); i++) {
                assertThat(TestData.relError(fed.estimates().get(i), one.estimates().get(i))).isLessThan(1e-12);
                assertThat(TestData.relError(fed.stdErrors().get(i), one.stdErrors().get(i))).isLessThan(1e-12);
            }
            assertThat(TestData.relError(fed.deviance(), one.deviance())).isLessThan(1e-12);
            assertThat(TestData.relError(fed.nullDeviance(), one.nullDeviance())).isLessThan(1e-12);
            assertThat(TestData.relError(fed.aic(), one.aic())).isLessThan(1e-12);
            GlmFit viaHelper = PooledGlm.fitSites(family, design.columns(), sites, GlmControl.defaults());
            assertThat(viaHelper.estimates()).isEqualTo(fed.estimates());
        }
    }

    @Test
    void gaussianEqualsLinearModel() {
        Design design = Design.of(Formula.parse("time ~ age + sex + nodes + rx"), TestData.colonKinds());
        List<List<GlmRow>> sites = sites("colon", design);
        GlmFit g = federated(Family.GAUSSIAN, design, sites);
        LmStats.Accumulator acc = new LmStats.Accumulator(design.width());
        sites.stream().flatMap(List::stream).forEach(r -> acc.add(r.x(), r.y()));
        LmFit lm = LinearModel.fit(design.columns(), acc.result());
        assertThat(g.iterations()).isEqualTo(2); // as R's glm.fit for gaussian
        for (int i = 0; i < design.width(); i++) {
            assertThat(TestData.relError(g.estimates().get(i), lm.estimates().get(i))).isLessThan(1e-9);
            assertThat(TestData.relError(g.stdErrors().get(i), lm.stdErrors().get(i))).isLessThan(1e-9);
        }
        assertThat(g.dispersion()).isCloseTo(lm.sigma() * lm.sigma(), within(1e-6 * lm.sigma() * lm.sigma()));
        // R's gaussian AIC: n (log(2 pi RSS / n) + 1) + 2 + 2p
        double n = lm.n();
        double aic = n * (Math.log(2 * Math.PI * lm.rss() / n) + 1) + 2 + 2 * design.width();
        assertThat(TestData.relError(g.aic(), aic)).isLessThan(1e-9);
        assertThat(TestData.relError(1 - g.deviance() / g.nullDeviance(), lm.rSquared())).isLessThan(1e-9);
    }

    @Test
    void constantOffsetShiftsOnlyTheIntercept() {
        Design design = Design.of(Formula.parse("nodes ~ age + sex + obstruct"), TestData.colonKinds());
        List<List<GlmRow>> sites = sites("colon", design);
        List<GlmRow> all = sites.stream().flatMap(List::stream).toList();
        double off = Math.log(2.5);
        List<GlmRow> withOffset = all.stream().map(r -> new GlmRow(r.x(), r.y(), 1, off)).toList();
        GlmFit plain = PooledGlm.fit(Family.POISSON, design.columns(), all);
        GlmFit shifted = PooledGlm.fit(Family.POISSON, design.columns(), withOffset);
        assertThat(shifted.estimates().get(0)).isCloseTo(plain.estimates().get(0) - off, within(1e-8));
        for (int i = 1; i < design.width(); i++) {
            assertThat(shifted.estimates().get(i)).isCloseTo(plain.estimates().get(i), within(1e-8));
        }
        assertThat(TestData.relError(shifted.deviance(), plain.deviance())).isLessThan(1e-8);
        // the null deviance comes from the intercept-only fit with the offset (extra rounds)
        assertThat(TestData.relError(shifted.nullDeviance(), plain.nullDeviance())).isLessThan(1e-8);
    }

    @Test
    void nullDevianceWithOffsetIsTheInterceptOnlyFit() {
        Design design = Design.of(Formula.parse("nodes ~ age + sex + obstruct"), TestData.colonKinds());
        List<GlmRow> all = sites("colon", design).stream().flatMap(List::stream).toList();
        List<GlmRow> withOffset = new ArrayList<>();
        List<GlmRow> interceptOnly = new ArrayList<>();
        for (GlmRow r : all) {
            double off = 0.01 * r.x()[1]; // varies by row (age)
            withOffset.add(new GlmRow(r.x(), r.y(), 1, off));
            interceptOnly.add(new GlmRow(new double[] {1}, r.y(), 1, off));
        }
        GlmFit fit = PooledGlm.fit(Family.POISSON, design.columns(), withOffset);
        GlmFit nullFit = PooledGlm.fit(Family.POISSON, List.of("(Intercept)"), interceptOnly);
        assertThat(TestData.relError(fit.nullDeviance(), nullFit.deviance())).isLessThan(1e-8);
        assertThat(fit.nullDeviance()).isGreaterThan(fit.deviance());
    }

    @Test
    void noInterceptNullDevianceIsAtEtaZero() {
        Design design = Design.of(Formula.parse("status ~ age + nodes - 1"), TestData.colonKinds());
        List<GlmRow> all = sites("colon", design).stream().flatMap(List::stream).toList();
        GlmFit fit = PooledGlm.fit(Family.BINOMIAL, design.columns(), all);
        assertThat(fit.nullDeviance()).isCloseTo(2 * all.size() * Math.log(2), within(1e-9));
        assertThat(fit.dfNull()).isEqualTo(all.size());
    }

    @Test
    void integerWeightsEqualRepeatedRows() {
        Design design = Design.of(Formula.parse("case ~ age + parity"), TestData.infertKinds());
        List<GlmRow> all = sites("infert", design).stream().flatMap(List::stream).toList();
        List<GlmRow> weighted = new ArrayList<>();
        List<GlmRow> repeated = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            GlmRow r = all.get(i);
            int w = 1 + i % 3;
            weighted.add(new GlmRow(r.x(), r.y(), w, 0));
            for (int k = 0; k < w; k++) {
                repeated.add(r);
            }
        }
        // mustart differs ((w y + 0.5)/(w + 1) per weighted row), so the two start apart: converge tightly
        GlmControl tight = new GlmControl(1e-13, 50);
        GlmFit a = PooledGlm.fit(Family.BINOMIAL, design.columns(), weighted, tight);
        GlmFit b = PooledGlm.fit(Family.BINOMIAL, design.columns(), repeated, tight);
        for (int i = 0; i < design.width(); i++) {
            assertThat(TestData.relError(a.estimates().get(i), b.estimates().get(i))).isLessThan(1e-9);
            assertThat(TestData.relError(a.stdErrors().get(i), b.stdErrors().get(i))).isLessThan(1e-9);
        }
        assertThat(TestData.relError(a.deviance(), b.deviance())).isLessThan(1e-9);
        assertThat(a.n()).isEqualTo(all.size());
    }

    @Test
    void familiesFollowR() {
        assertThat(Family.BINOMIAL.linkInverse(40)).isEqualTo((1 / Math.ulp(1.0)) / (1 + 1 / Math.ulp(1.0)));
        assertThat(Family.BINOMIAL.muEta(-40)).isEqualTo(Math.ulp(1.0));
        assertThat(Family.BINOMIAL.muStart(1, 1)).isEqualTo(0.75);
        assertThat(Family.POISSON.muStart(3, 1)).isEqualTo(3.1);
        assertThat(Family.POISSON.aicContribution(2, 1.5, 1))
                .isCloseTo(-2 * (2 * Math.log(1.5) - 1.5 - Math.log(2)), within(1e-14));
        assertThat(Family.BINOMIAL.aicContribution(1, 0.3, 1)).isCloseTo(-2 * Math.log(0.3), within(1e-14));
        assertThatThrownBy(() -> Family.BINOMIAL.checkResponse(2)).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> Family.POISSON.checkResponse(-1)).hasMessageContaining("negative");
        assertThat(Family.BINOMIAL.validResponse(0.25)).isTrue();
        assertThat(Family.BINOMIAL.validResponse(-0.25)).isFalse();
        assertThat(Family.POISSON.validResponse(7)).isTrue();
        assertThat(Family.GAUSSIAN.validResponse(-7)).isTrue();
        assertThat(Family.GAUSSIAN.validResponse(Double.NaN)).isFalse();
    }

    @Test
    void aliasedColumnAndFinishedStateFailClearly() {
        List<GlmRow> rows = List.of(GlmRow.of(new double[] {1, 1, 2}, 0), GlmRow.of(new double[] {1, 2, 4}, 1),
                GlmRow.of(new double[] {1, 3, 6}, 0), GlmRow.of(new double[] {1, 4, 8}, 1));
        assertThatThrownBy(() -> PooledGlm.fit(Family.BINOMIAL, List.of("(Intercept)", "a", "b"), rows))
                .hasMessageContaining("'b' is aliased");
        assertThatThrownBy(() -> new Irls(Family.BINOMIAL, List.of("a", "(Intercept)")))
                .hasMessageContaining("first column");
        List<GlmRow> ok = List.of(GlmRow.of(new double[] {1, 1}, 0), GlmRow.of(new double[] {1, 2}, 1),
                GlmRow.of(new double[] {1, 3}, 0), GlmRow.of(new double[] {1, 4}, 1));
        Irls irls = new Irls(Family.BINOMIAL, List.of("(Intercept)", "a"));
        while (irls.result().isEmpty()) {
            irls.accept(GlmRound.local(Family.BINOMIAL, ok, irls.nextRequest()));
        }
        assertThatThrownBy(irls::nextRequest).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void stopsAfterMaxIterationsWithoutConverging() {
        // complete separation: the deviance keeps falling
        List<GlmRow> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(GlmRow.of(new double[] {1, i}, i < 10 ? 0 : 1));
        }
        GlmFit fit = PooledGlm.fit(Family.BINOMIAL, List.of("(Intercept)", "x"), rows, new GlmControl(1e-8, 5));
        assertThat(fit.converged()).isFalse();
        assertThat(fit.iterations()).isEqualTo(5);
    }
}
