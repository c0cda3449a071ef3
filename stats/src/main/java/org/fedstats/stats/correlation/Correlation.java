package org.fedstats.stats.correlation;

import java.util.ArrayList;
import java.util.List;

import org.hipparchus.special.Beta;

/**
 * Coordinator side: covariance and Pearson correlation matrices and {@code cor.test} from pooled
 * {@link CoMoments}.
 *
 * <p>The two-sided p value of t on df degrees of freedom is {@code I_{df/(df+t²)}(df/2, 1/2)}, the regularized
 * incomplete beta function (Hipparchus; what {@code TDistribution} is built on), which keeps precision where
 * {@code 2(1 − cdf)} would cancel.
 */
public final class Correlation {

    private Correlation() {
    }

    /**
     * Covariances, correlations and their tests from the pooled co-moments.
     *
     * @param pooled the pooled statistics; at least 2 rows
     * @return covariances, correlations and a test for each pair of variables
     * @throws IllegalArgumentException with fewer than 2 rows
     */
    public static CorrelationResult analyse(CoMoments pooled) {
        long n = pooled.n();
        if (n < 2) {
            throw new IllegalArgumentException("covariances need at least 2 complete rows, got " + n);
        }
        int k = pooled.dimension();
        double[][] c = pooled.comoments();
        double[][] cov = new double[k][k];
        double[][] cor = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cov[i][j] = c[i][j] / (n - 1);
                cor[i][j] = correlation(c, i, j);
            }
        }
        List<PairTest> tests = new ArrayList<>();
        List<String> names = pooled.variables();
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                tests.add(test(names.get(i), names.get(j), cor[i][j], n));
            }
        }
        return new CorrelationResult(names, n, pooled.mean(), cov, cor, tests);
    }

    /**
     * R's {@code cor.test} for a correlation r over n rows.
     *
     * @param first first variable's name
     * @param second second variable's name
     * @param r the correlation (NaN if undefined)
     * @param n number of rows
     * @return the t test; t and p are NaN when n &lt; 3 or r is NaN
     */
    public static PairTest test(String first, String second, double r, long n) {
        long df = n - 2;
        if (df < 1 || Double.isNaN(r)) {
            return new PairTest(first, second, r, Double.NaN, df, Double.NaN);
        }
        double oneMinus = (1 - r) * (1 + r);
        double t = oneMinus == 0 ? Math.copySign(Double.POSITIVE_INFINITY, r) : r * Math.sqrt(df / oneMinus);
        double p = Double.isInfinite(t) ? 0 : Beta.regularizedBeta(df / (df + t * t), df / 2.0, 0.5);
        return new PairTest(first, second, r, t, df, Math.min(1, p));
    }

    private static double correlation(double[][] c, int i, int j) {
        if (i == j) {
            return c[i][i] > 0 ? 1 : Double.NaN;
        }
        if (!(c[i][i] > 0 && c[j][j] > 0)) {
            return Double.NaN;
        }
        double r = c[i][j] / Math.sqrt(c[i][i] * c[j][j]);
        return Math.max(-1, Math.min(1, r));
    }
}
