package org.fedstats.stats.glm;

/**
 * IRLS control, as R's {@code glm.control}.
 *
 * @param epsilon convergence when |dev − devold| / (|dev| + 0.1) &lt; epsilon
 * @param maxIterations the most IRLS iterations (WLS solves)
 */
public record GlmControl(double epsilon, int maxIterations) {
    public GlmControl {
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
        }
        if (maxIterations < 1 || maxIterations > 1000) {
            throw new IllegalArgumentException("maxIterations must be in 1..1000, got " + maxIterations);
        }
    }

    /** R's defaults: epsilon 1e-8, 25 iterations. */
    public static GlmControl defaults() {
        return new GlmControl(1e-8, 25);
    }
}
