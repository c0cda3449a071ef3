package org.fedstats.stats.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.fedstats.stats.glm.Family;
import org.fedstats.stats.glm.GlmFit;
import org.fedstats.stats.lm.LmFit;
import org.junit.jupiter.api.Test;

/** Linear and generalised linear fits look their coefficients up by column name the same way. */
class CoefficientTableTest {
    private static final List<String> COLUMNS = List.of(Design.INTERCEPT, "age", "rxLev");
    private static final List<Double> ESTIMATES = List.of(1.5, -0.25, 2.0);
    private static final List<Double> STD_ERRORS = List.of(0.5, 0.125, 1.0);
    private static final List<Double> STATISTICS = List.of(3.0, -2.0, 2.0);
    private static final List<Double> P_VALUES = List.of(0.01, 0.05, 0.05);

    @Test
    void bothFitsLookUpEstimatesAndStandardErrorsByColumn() {
        List<CoefficientTable> fits = List.of(
                new LmFit(COLUMNS, ESTIMATES, STD_ERRORS, STATISTICS, P_VALUES, 100, 97, 10, 0.3, 0.5, 0.49, 12, 2,
                        0.001),
                new GlmFit(Family.BINOMIAL, COLUMNS, ESTIMATES, STD_ERRORS, STATISTICS, P_VALUES, 1, 90, 120, 96,
                        100, 97, 99, 4, true));
        for (CoefficientTable fit : fits) {
            assertThat(fit.estimate("age")).isEqualTo(-0.25);
            assertThat(fit.stdError("age")).isEqualTo(0.125);
            assertThat(fit.estimate(Design.INTERCEPT)).isEqualTo(1.5);
            assertThat(fit.stdError("rxLev")).isEqualTo(1.0);
            assertThat(fit.indexOf("rxLev")).isEqualTo(2);
            assertThatThrownBy(() -> fit.estimate("weight")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no column 'weight' in [(Intercept), age, rxLev]");
            assertThatThrownBy(() -> fit.stdError("Age")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no column 'Age' in [(Intercept), age, rxLev]");
        }
    }
}
