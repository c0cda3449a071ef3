package org.fedstats.stats.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The coordinator's state machine on hand-made pooled statistics. */
class IrlsTest {

    private static GlmRoundStats stats(double xtwx, double xtwz, double deviance, long invalid) {
        return new GlmRoundStats(10, new double[] {xtwx}, new double[] {xtwz}, deviance, 0, 0, 0, 10, 20, 7, invalid, 0);
    }

    @Test
    void halvesTheStepOnAnInvalidDevianceLikeR() {
        Irls irls = new Irls(Family.POISSON, List.of("(Intercept)"));
        assertThat(irls.nextRequest().beta()).isNull();
        Irls.Step s = irls.accept(stats(10, 20, 100, 0));
        assertThat(((Irls.Step.Send) s).request().beta()).containsExactly(2.0);
        assertThat(((Irls.Step.Send) s).request().nullMu()).isEqualTo(2.0);
        s = irls.accept(stats(10, 30, 50, 0));
        assertThat(((Irls.Step.Send) s).request().beta()).containsExactly(3.0);
        s = irls.accept(stats(10, 40, Double.POSITIVE_INFINITY, 1));
        assertThat(((Irls.Step.Send) s).request().beta()).containsExactly(2.5);
        s = irls.accept(stats(10, 25, 50, 0));
        GlmFit fit = ((Irls.Step.Done) s).fit();
        assertThat(fit.iterations()).isEqualTo(2);
        assertThat(fit.estimates()).containsExactly(2.5);
        assertThat(fit.stdErrors().get(0)).isCloseTo(Math.sqrt(0.1), within(1e-15));
        assertThat(fit.nullDeviance()).isEqualTo(7);
        assertThatThrownBy(() -> irls.accept(stats(10, 25, 50, 0))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalidFirstStepFailsLikeR() {
        Irls irls = new Irls(Family.POISSON, List.of("(Intercept)"));
        irls.accept(stats(10, 20, 100, 0));
        assertThatThrownBy(() -> irls.accept(stats(10, 20, Double.NaN, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no valid set of coefficients");
    }

    @Test
    void rejectsStatisticsOfTheWrongWidth() {
        Irls irls = new Irls(Family.BINOMIAL, List.of("(Intercept)", "x"));
        assertThatThrownBy(() -> irls.accept(stats(10, 20, 100, 0))).hasMessageContaining("2 columns");
    }
}
