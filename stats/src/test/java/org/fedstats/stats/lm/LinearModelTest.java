package org.fedstats.stats.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fedstats.stats.model.Design;
import org.fedstats.stats.model.Formula;
import org.fedstats.stats.testing.TestData;
import org.fedstats.stats.model.VariableKind;
import org.junit.jupiter.api.Test;

class LinearModelTest {

    /** Each site's statistics from its complete rows (node side). */
    static List<LmStats> siteStats(String dataset, Design design) {
        List<LmStats> out = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            LmStats.Accumulator acc = new LmStats.Accumulator(design.width());
            for (Map<String, String> raw : TestData.site(dataset, s)) {
                Map<String, Object> row = TestData.typed(design, raw);
                if (design.isComplete(row)) {
                    acc.add(design.row(row), design.response(row));
                }
            }
            out.add(acc.result());
        }
        return out;
    }

    private static LmFit checkAgainstR(String dataset, Map<String, VariableKind> kinds, String formula, String key) {
        JsonNode ref = TestData.reference(dataset);
        Design design = Design.of(Formula.parse(formula), kinds);
        List<LmStats> sites = siteStats(dataset, design);
        LmStats pooled = sites.get(0).plus(sites.get(1)).plus(sites.get(2));
        LmFit fit = LinearModel.fit(design.columns(), pooled);
        JsonNode r = ref.get(key);
        List<String> terms = new ArrayList<>();
        r.get("terms").forEach(t -> terms.add(t.asText()));
        assertThat(fit.columns()).isEqualTo(terms);
        double estErr = TestData.maxRelError(fit.estimates(), r.get("estimate"));
        double seErr = TestData.maxRelError(fit.stdErrors(), r.get("std_error"));
        TestData.report(String.format("lm %s %s: max rel error estimate %.2e, std error %.2e", dataset, formula, estErr,
                seErr));
        assertThat(estErr).isLessThan(1e-8);
        assertThat(seErr).isLessThan(1e-8);
        return fit;
    }

    @Test
    void colonTimeMatchesR() {
        LmFit fit = checkAgainstR("colon", TestData.colonKinds(), "time ~ age + sex + nodes + rx", "lm_time");
        JsonNode r = TestData.reference("colon").get("lm_time_fit");
        double err = Math.max(Math.max(TestData.relError(fit.rSquared(), r.get("r_squared").asDouble()),
                TestData.relError(fit.adjRSquared(), r.get("adj_r_squared").asDouble())),
                TestData.relError(fit.sigma(), r.get("sigma").asDouble()));
        TestData.report(String.format("lm colon fit: max rel error R2/adjR2/sigma %.2e", err));
        assertThat(err).isLessThan(1e-8);
        assertThat(fit.dfResidual()).isEqualTo(r.get("df_residual").asLong());
        assertThat(fit.fNumeratorDf()).isEqualTo(5);
        assertThat(fit.fPValue()).isBetween(0.0, 1e-10);
    }

    @Test
    void infertAgeMatchesR() {
        checkAgainstR("infert", TestData.infertKinds(), "age ~ parity + induced + spontaneous", "lm_age");
    }

    @Test
    void poolingIsExact() {
        Design design = Design.of(Formula.parse("time ~ age + sex + nodes + rx"), TestData.colonKinds());
        List<LmStats> sites = siteStats("colon", design);
        LmStats pooled = sites.get(0).plus(sites.get(1)).plus(sites.get(2));
        LmStats.Accumulator all = new LmStats.Accumulator(design.width());
        for (int s = 1; s <= 3; s++) {
            for (Map<String, String> raw : TestData.site("colon", s)) {
                Map<String, Object> row = TestData.typed(design, raw);
                if (design.isComplete(row)) {
                    all.add(design.row(row), design.response(row));
                }
            }
        }
        LmStats one = all.result();
        assertThat(pooled.n()).isEqualTo(one.n()).isEqualTo(911);
        LmFit a = LinearModel.fit(design.columns(), pooled);
        LmFit b = LinearModel.fit(design.columns(), one);
        for (int i = 0; i < design.width(); i++) {
            assertThat(a.estimates().get(i)).isCloseTo(b.estimates().get(i),
                    org.assertj.core.api.Assertions.withinPercentage(1e-10));
        }
        // integer data: the pooled sums are exact
        assertThat(pooled).isEqualTo(one);
    }

    @Test
    void aliasedColumnIsNamed() {
        LmStats.Accumulator acc = new LmStats.Accumulator(3);
        double[][] rows = {{1, 1, 2}, {1, 2, 4}, {1, 3, 6}, {1, 4, 8}};
        for (double[] r : rows) {
            acc.add(r, r[1] + 1);
        }
        assertThatThrownBy(() -> LinearModel.fit(List.of("(Intercept)", "a", "b"), acc.result()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'b' is aliased");
    }
}
