package org.fedstats.stats.meta;

/**
 * Settings of the REML Fisher scoring: it stops when τ² changes by less than {@code threshold} between iterations,
 * or fails to converge after {@code maxIterations}.
 *
 * <p>{@link #DEFAULT} converges tightly (1e-10). {@link #METAFOR} is {@code metafor::rma}'s default control
 * ({@code threshold = 1e-5}, {@code maxiter = 100}): it reproduces metafor's printed REML results digit for digit,
 * which can differ from the REML optimum by about 1e-5 relative in τ² (and much less in the pooled estimate).
 *
 * @param threshold convergence threshold on the absolute change of τ²; finite and &gt; 0
 * @param maxIterations iteration limit; ≥ 1
 */
public record RemlControl(double threshold, int maxIterations) {

    /** Tight convergence: threshold 1e-10, at most 1000 iterations. */
    public static final RemlControl DEFAULT = new RemlControl(1e-10, 1000);

    /** metafor's defaults: threshold 1e-5, at most 100 iterations. */
    public static final RemlControl METAFOR = new RemlControl(1e-5, 100);

    /** Validates the threshold and the limit. */
    public RemlControl {
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite and > 0: " + threshold);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1: " + maxIterations);
        }
    }
}
