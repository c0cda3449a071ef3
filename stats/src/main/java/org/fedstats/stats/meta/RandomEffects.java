package org.fedstats.stats.meta;

import java.util.Objects;

/**
 * A random-effects meta-analysis: the between-site variance τ² and the estimate pooled with weights
 * {@code 1/(vᵢ + τ²)}, standard error {@code 1/√Σ 1/(vᵢ + τ²)}.
 *
 * <p>I² and H² are metafor's for random-effects models: {@code I² = 100·τ²/(τ² + ṽ)} and
 * {@code H² = (τ² + ṽ)/ṽ} with the "typical" within-site variance
 * {@code ṽ = (k − 1)Σwᵢ/((Σwᵢ)² − Σwᵢ²)}, {@code wᵢ = 1/vᵢ}. For k = 1, τ² cannot be estimated and is 0
 * (metafor does the same, with a warning): the result is the fixed-effect one, I² = 0, H² = 1.
 *
 * @param method how τ² was estimated
 * @param tau2 the between-site variance, ≥ 0 (truncated at 0)
 * @param pooled the pooled estimate
 * @param i2 I² in percent, in [0, 100]
 * @param h2 H², ≥ 1
 * @param iterations Fisher scoring iterations (REML); 0 for DerSimonian–Laird and for k = 1
 * @param converged whether the τ² iteration converged (always true for DerSimonian–Laird)
 */
public record RandomEffects(Method method, double tau2, PooledEstimate pooled, double i2, double h2, int iterations,
                            boolean converged) {

    /** How τ² is estimated. */
    public enum Method {
        /** DerSimonian and Laird's method-of-moments estimator, {@code metafor::rma(method = "DL")}. */
        DERSIMONIAN_LAIRD,
        /** Restricted maximum likelihood by Fisher scoring, {@code metafor::rma(method = "REML")}. */
        REML
    }

    /** Validates τ² ≥ 0 and the ranges of I² and H². */
    public RandomEffects {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pooled, "pooled");
        if (!(tau2 >= 0) || !Double.isFinite(tau2)) {
            throw new IllegalArgumentException("tau2 must be finite and >= 0: " + tau2);
        }
        if (!(i2 >= 0 && i2 <= 100)) {
            throw new IllegalArgumentException("I2 must be in [0, 100]: " + i2);
        }
        if (!(h2 >= 1) || Double.isInfinite(h2)) {
            throw new IllegalArgumentException("H2 must be finite and >= 1: " + h2);
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0");
        }
    }

    /** {@return {@code sqrt(tau2)}, the between-site standard deviation} */
    public double tau() {
        return Math.sqrt(tau2);
    }
}
