package org.fedstats.stats.meta;

/**
 * The fixed-effect (inverse-variance) meta-analysis of k sites with Cochran's heterogeneity statistic.
 *
 * <p>With weights {@code wᵢ = 1/vᵢ}: estimate {@code Σwᵢyᵢ/Σwᵢ}, standard error {@code 1/√Σwᵢ},
 * {@code Q = Σwᵢ(yᵢ − estimate)²} on {@code k − 1} degrees of freedom, and Higgins and Thompson's
 * {@code I² = max(0, (Q − (k − 1))/Q)·100} (as metafor reports it for a fixed-effect model). For k = 1, Q = 0 on
 * 0 degrees of freedom with p value 1 (as metafor) and I² = 0, H² = 1.
 *
 * @param k number of sites; ≥ 1
 * @param pooled the pooled estimate
 * @param q Cochran's Q; ≥ 0
 * @param qDf its degrees of freedom, {@code k − 1}
 * @param qPValue upper tail of χ²(k − 1) at Q; 1 when k = 1
 * @param i2 I² in percent, in [0, 100]
 * @param h2 H² = Q/(k − 1); 1 when k = 1
 */
public record FixedEffect(int k, PooledEstimate pooled, double q, int qDf, double qPValue, double i2, double h2) {

    /** Validates the counts and ranges. */
    public FixedEffect {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1: " + k);
        }
        java.util.Objects.requireNonNull(pooled, "pooled");
        if (!(q >= 0) || !Double.isFinite(q)) {
            throw new IllegalArgumentException("Q must be finite and >= 0: " + q);
        }
        if (qDf != k - 1) {
            throw new IllegalArgumentException("Q's degrees of freedom must be k - 1");
        }
        if (!(qPValue >= 0 && qPValue <= 1)) {
            throw new IllegalArgumentException("p value must be in [0, 1]: " + qPValue);
        }
        if (!(i2 >= 0 && i2 <= 100)) {
            throw new IllegalArgumentException("I2 must be in [0, 100]: " + i2);
        }
        if (!(h2 >= 0) || Double.isInfinite(h2)) {
            throw new IllegalArgumentException("H2 must be finite and >= 0: " + h2);
        }
    }
}
