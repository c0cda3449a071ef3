package org.fedstats.stats.correlation;

import java.util.Objects;

/**
 * R's {@code cor.test(x, y)} (Pearson) for one pair of variables: {@code t = r·√(df/(1 − r²))} on
 * {@code df = n − 2} degrees of freedom, two-sided p value. With fewer than 3 rows or a constant variable the test is
 * undefined and t and the p value are NaN; with |r| = 1, t is infinite and p = 0.
 *
 * @param first the first variable's name
 * @param second the second variable's name
 * @param r Pearson's correlation, in [−1, 1] (NaN when undefined)
 * @param t the t statistic
 * @param df degrees of freedom, {@code n − 2}
 * @param pValue two-sided p value, in [0, 1] (NaN when undefined)
 */
public record PairTest(String first, String second, double r, double t, long df, double pValue) {

    /** Validates names and ranges. */
    public PairTest {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (!Double.isNaN(r) && !(r >= -1 && r <= 1)) {
            throw new IllegalArgumentException("r must be in [-1, 1]: " + r);
        }
        if (!Double.isNaN(pValue) && !(pValue >= 0 && pValue <= 1)) {
            throw new IllegalArgumentException("p value must be in [0, 1]: " + pValue);
        }
    }
}
