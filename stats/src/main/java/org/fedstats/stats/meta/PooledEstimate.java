package org.fedstats.stats.meta;

/**
 * A pooled estimate with its Wald test against zero and its normal confidence interval, as {@code metafor::rma}
 * reports them with its default {@code test = "z"}.
 *
 * @param estimate the pooled estimate
 * @param standardError its standard error; &gt; 0
 * @param z {@code estimate / standardError}
 * @param pValue two-sided p value {@code 2 Φ(−|z|)}
 * @param ciLower lower confidence limit {@code estimate − z₁₋α/₂ · standardError}
 * @param ciUpper upper confidence limit
 * @param level the confidence level, in (0, 1), usually 0.95
 */
public record PooledEstimate(double estimate, double standardError, double z, double pValue, double ciLower,
                             double ciUpper, double level) {

    /** Validates finiteness, a positive standard error, a p value in [0, 1] and an ordered interval. */
    public PooledEstimate {
        if (!Double.isFinite(estimate) || !Double.isFinite(z)) {
            throw new IllegalArgumentException("estimate and z must be finite");
        }
        if (!(standardError > 0) || !Double.isFinite(standardError)) {
            throw new IllegalArgumentException("standard error must be finite and > 0: " + standardError);
        }
        if (!(pValue >= 0 && pValue <= 1)) {
            throw new IllegalArgumentException("p value must be in [0, 1]: " + pValue);
        }
        if (!(ciLower <= estimate && estimate <= ciUpper)) {
            throw new IllegalArgumentException("confidence interval must contain the estimate");
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1): " + level);
        }
    }
}
