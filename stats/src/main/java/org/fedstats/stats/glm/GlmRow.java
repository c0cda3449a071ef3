package org.fedstats.stats.glm;

import java.util.Objects;

/**
 * One complete row of a GLM at a site.
 *
 * @param x the design row
 * @param y the response
 * @param weight the prior weight (≥ 0; rows with weight 0 take no part, as in R's fit)
 * @param offset the offset added to the linear predictor
 */
public record GlmRow(double[] x, double y, double weight, double offset) {
    public GlmRow {
        Objects.requireNonNull(x, "x");
        x = x.clone();
        if (!Double.isFinite(y)) {
            throw new IllegalArgumentException("the response must be finite, got " + y);
        }
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("a prior weight must be finite and not negative, got " + weight);
        }
        if (!Double.isFinite(offset)) {
            throw new IllegalArgumentException("an offset must be finite, got " + offset);
        }
    }

    /** A row with weight 1 and no offset. */
    public static GlmRow of(double[] x, double y) {
        return new GlmRow(x, y, 1, 0);
    }

    @Override
    public double[] x() {
        return x.clone();
    }
}
