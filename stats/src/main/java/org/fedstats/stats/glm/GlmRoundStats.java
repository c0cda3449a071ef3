package org.fedstats.stats.glm;

import java.util.Objects;

/**
 * The statistics of one IRLS round over some rows (node side), pooled exactly by {@link #plus} (coordinator side).
 *
 * @param n the number of rows with positive weight
 * @param xtwx X'WX with the IRLS working weights at the round's mean, p×p row-major
 * @param xtwz X'Wz with the working response
 * @param deviance Σ deviance residuals at the round's mean
 * @param aicSum Σ of the family's AIC contributions at the round's mean
 * @param pearson Σ w·(y − mu)²/V(mu) at the round's mean
 * @param sumLogWeights Σ log w (gaussian AIC)
 * @param sumWeights Σ w
 * @param sumWeightedY Σ w·y (the null model's mean)
 * @param nullDeviance Σ deviance residuals at the requested constant mean (0 when none was requested)
 * @param invalidRows rows whose mean is not valid for the family or whose deviance is not finite
 * @param offsetRows rows with an offset: the accumulator counts those whose offset is not 0; a node reports all its
 *     rows when the model names an offset (R fits the null model with any offset given), so as not to tell how many
 *     records have a non-zero value
 */
public record GlmRoundStats(long n, double[] xtwx, double[] xtwz, double deviance, double aicSum, double pearson,
        double sumLogWeights, double sumWeights, double sumWeightedY, double nullDeviance, long invalidRows,
        long offsetRows) {

    public GlmRoundStats {
        Objects.requireNonNull(xtwx, "xtwx");
        Objects.requireNonNull(xtwz, "xtwz");
        if (xtwz.length == 0 || xtwx.length != xtwz.length * xtwz.length) {
            throw new IllegalArgumentException("X'WX must be p×p for X'Wz of length p");
        }
        if (n < 0 || invalidRows < 0 || offsetRows < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
        xtwx = xtwx.clone();
        xtwz = xtwz.clone();
    }

    /** The number of columns. */
    public int p() {
        return xtwz.length;
    }

    @Override
    public double[] xtwx() {
        return xtwx.clone();
    }

    @Override
    public double[] xtwz() {
        return xtwz.clone();
    }

    /** The pooled statistics of this and other's rows. */
    public GlmRoundStats plus(GlmRoundStats o) {
        if (o.p() != p()) {
            throw new IllegalArgumentException("cannot pool round statistics with " + p() + " and " + o.p() + " columns");
        }
        double[] a = xtwx.clone();
        double[] b = xtwz.clone();
        for (int i = 0; i < a.length; i++) {
            a[i] += o.xtwx[i];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] += o.xtwz[i];
        }
        return new GlmRoundStats(n + o.n, a, b, deviance + o.deviance, aicSum + o.aicSum, pearson + o.pearson,
                sumLogWeights + o.sumLogWeights, sumWeights + o.sumWeights, sumWeightedY + o.sumWeightedY,
                nullDeviance + o.nullDeviance, invalidRows + o.invalidRows, offsetRows + o.offsetRows);
    }

    @Override
    public String toString() {
        return "GlmRoundStats[n=" + n + ", p=" + p() + ", deviance=" + deviance + "]";
    }
}
