package org.fedstats.stats.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fedstats.stats.model.Design;
import org.hipparchus.distribution.continuous.FDistribution;
import org.hipparchus.distribution.continuous.TDistribution;

/**
 * Coordinator side of a linear model: the fit from pooled {@link LmStats}, equal to R's {@code lm} on the pooled
 * rows.
 */
public final class LinearModel {

    private LinearModel() {
    }

    /**
     * Fits the linear model from the pooled statistics.
     *
     * @param columnNames the design column names, in the order of the statistics; the model has an intercept when
     *     one of them is {@value Design#INTERCEPT} (this decides how R² and F are computed, as in R)
     * @param pooled the pooled statistics of all sites
     * @throws IllegalArgumentException when there are not more rows than columns, or a column is aliased
     */
    public static LmFit fit(List<String> columnNames, LmStats pooled) {
        Objects.requireNonNull(columnNames, "columnNames");
        Objects.requireNonNull(pooled, "pooled");
        int p = pooled.p();
        if (columnNames.size() != p) {
            throw new IllegalArgumentException(columnNames.size() + " column names for statistics of " + p + " columns");
        }
        long dfResidual = pooled.n() - p;
        if (dfResidual < 1) {
            throw new IllegalArgumentException("a linear model with " + p + " columns needs more than " + p
                    + " complete rows, got " + pooled.n());
        }
        double[] a = pooled.xtx();
        double[] b = pooled.xty();
        NormalEquations.Solution sol = NormalEquations.solve(columnNames, a, b);
        double[] beta = sol.beta();
        double quad = 0;
        double lin = 0;
        for (int i = 0; i < p; i++) {
            lin += beta[i] * b[i];
            double row = 0;
            for (int j = 0; j < p; j++) {
                row += a[i * p + j] * beta[j];
            }
            quad += beta[i] * row;
        }
        double rss = Math.max(0.0, pooled.yty() - 2 * lin + quad);
        double resvar = rss / dfResidual;
        TDistribution t = new TDistribution(dfResidual);
        List<Double> est = new ArrayList<>();
        List<Double> se = new ArrayList<>();
        List<Double> tv = new ArrayList<>();
        List<Double> pv = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            double s = Math.sqrt(resvar * sol.inverse()[i * p + i]);
            double tval = beta[i] / s;
            est.add(beta[i]);
            se.add(s);
            tv.add(tval);
            pv.add(2 * t.cumulativeProbability(-Math.abs(tval)));
        }
        boolean intercept = columnNames.contains(Design.INTERCEPT);
        int dfInt = intercept ? 1 : 0;
        double tss = intercept ? pooled.yty() - pooled.sumY() * pooled.sumY() / pooled.n() : pooled.yty();
        double mss = tss - rss;
        double r2 = mss / tss;
        double adj = 1 - (1 - r2) * ((double) (pooled.n() - dfInt) / dfResidual);
        int df1 = p - dfInt;
        double f = Double.NaN;
        double fp = Double.NaN;
        if (df1 > 0) {
            f = (mss / df1) / resvar;
            fp = 1 - new FDistribution(df1, dfResidual).cumulativeProbability(f);
        }
        return new LmFit(columnNames, est, se, tv, pv, pooled.n(), dfResidual, rss, Math.sqrt(resvar), r2, adj, f,
                df1, fp);
    }

    /**
     * The pooled-rows baseline: the same fit from all rows in one process (same code path as the federated fit).
     *
     * @param x the design rows
     * @param y the responses
     */
    public static LmFit fitRows(List<String> columnNames, double[][] x, double[] y) {
        return fit(columnNames, LmStats.of(x, y));
    }
}
