package org.fedstats.stats.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.fedstats.stats.testing.TestData;
import org.junit.jupiter.api.Test;

class DesignTest {

    private final Map<String, VariableKind> kinds = TestData.colonKinds();

    @Test
    void columnsFollowModelMatrix() {
        assertThat(Design.of(Formula.parse("time ~ age + sex + nodes + rx"), kinds).columns())
                .containsExactly("(Intercept)", "age", "sex", "nodes", "rxLev", "rxLev+5FU");
        assertThat(Design.of(Formula.parse("time ~ rx*age"), kinds).columns())
                .containsExactly("(Intercept)", "rxLev", "rxLev+5FU", "age", "rxLev:age", "rxLev+5FU:age");
        // age's main effect present: contrasts for rx in age:rx
        assertThat(Design.of(Formula.parse("time ~ age + age:rx"), kinds).columns())
                .containsExactly("(Intercept)", "age", "age:rxLev", "age:rxLev+5FU");
        // nested slopes: no age main effect, so rx is coded by all levels in rx:age (R's model.matrix)
        assertThat(Design.of(Formula.parse("time ~ rx + rx:age"), kinds).columns())
                .containsExactly("(Intercept)", "rxLev", "rxLev+5FU", "rxObs:age", "rxLev:age", "rxLev+5FU:age");
        assertThat(Design.of(Formula.parse("time ~ rx - 1"), kinds).columns())
                .containsExactly("rxObs", "rxLev", "rxLev+5FU");
        Map<String, VariableKind> k = new HashMap<>(kinds);
        k.put("g", VariableKind.categorical("a", "b"));
        assertThat(Design.of(Formula.parse("time ~ rx*g"), k).columns())
                .containsExactly("(Intercept)", "rxLev", "rxLev+5FU", "gb", "rxLev:gb", "rxLev+5FU:gb");
    }

    @Test
    void rowsAndCompleteness() {
        Design d = Design.of(Formula.parse("time ~ rx*age"), kinds);
        Map<String, Object> row = Map.of("time", 100.0, "rx", "Lev+5FU", "age", 60);
        assertThat(d.isComplete(row)).isTrue();
        assertThat(d.row(row)).containsExactly(1, 0, 1, 60, 0, 60);
        assertThat(d.response(row)).isEqualTo(100.0);
        Map<String, Object> missing = new HashMap<>(row);
        missing.put("age", null);
        assertThat(d.isComplete(missing)).isFalse();
        assertThatThrownBy(() -> d.row(Map.of("time", 1.0, "rx", "Placebo", "age", 1.0)))
                .hasMessageContaining("'Placebo' is not a declared level of 'rx'");
        assertThat(d.variables()).containsExactly("time", "rx", "age");
    }

    @Test
    void categoricalResponseIsZeroOne() {
        Map<String, VariableKind> k = new HashMap<>(kinds);
        k.put("dead", VariableKind.categorical("no", "yes"));
        Design d = Design.of(Formula.parse("dead ~ age"), k);
        assertThat(d.response(Map.of("dead", "yes", "age", 3.0))).isEqualTo(1.0);
        assertThat(d.response(Map.of("dead", "no", "age", 3.0))).isEqualTo(0.0);
        assertThatThrownBy(() -> Design.of(Formula.parse("rx ~ age"), kinds)).hasMessageContaining("exactly two levels");
        assertThatThrownBy(() -> Design.of(Formula.parse("time ~ foo"), kinds)).hasMessageContaining("'foo'");
    }

    @Test
    void theStreamingEncoderWritesTheSameRowsAsRow() {
        for (String f : java.util.List.of("status ~ rx + sex + age + nodes + obstruct", "time ~ rx*age + sex:nodes",
                "status ~ rx + rx:age - 1", "time ~ age:rx:sex + differ")) {
            Design design = Design.of(Formula.parse(f), kinds);
            java.util.List<String> order = new java.util.ArrayList<>(design.variables());
            java.util.Collections.reverse(order);
            order.add("weight-not-in-the-model");
            Design.Encoder encoder = design.encoder(order);
            double[] numbers = new double[order.size()];
            int[] levels = new int[order.size()];
            double[] out = new double[design.width()];
            int rows = 0;
            for (Map<String, String> row : TestData.site("colon", 1)) {
                Map<String, Object> typed = TestData.typed(design, row);
                if (!design.isComplete(typed)) {
                    continue;
                }
                for (int i = 0; i < order.size(); i++) {
                    Object value = typed.get(order.get(i));
                    if (value instanceof Number n) {
                        numbers[i] = n.doubleValue();
                    } else if (value instanceof String level) {
                        levels[i] = ((VariableKind.Categorical) design.kind(order.get(i))).indexOf(level);
                    }
                }
                encoder.row(numbers, levels, out);
                assertThat(out).as(f).containsExactly(design.row(typed));
                assertThat(encoder.response(numbers, levels)).isEqualTo(design.response(typed));
                rows++;
            }
            assertThat(rows).isGreaterThan(290);
        }
    }
}
