package org.fedstats.stats.correlation;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Covariances and Pearson correlations of k variables over the pooled complete-case rows.
 *
 * @param variables the variables' names
 * @param n number of complete-case rows
 * @param mean the means
 * @param covariance the k×k sample covariance matrix {@code C/(n − 1)}, as R's {@code cov}
 * @param correlation the k×k correlation matrix {@code C_ij/√(C_ii C_jj)} (clamped to [−1, 1]), as R's {@code cor};
 *                    NaN in the rows and columns of a constant variable
 * @param tests {@code cor.test} for every pair i &lt; j, in the order (0,1), (0,2), …, (1,2), …
 */
public record CorrelationResult(List<String> variables, long n, double[] mean, double[][] covariance,
                                double[][] correlation, List<PairTest> tests) {

    /** Validates the shapes and copies the arrays. */
    public CorrelationResult {
        variables = List.copyOf(variables);
        tests = List.copyOf(tests);
        int k = variables.size();
        if (n < 2) {
            throw new IllegalArgumentException("covariances need at least 2 rows: " + n);
        }
        if (mean.length != k || covariance.length != k || correlation.length != k) {
            throw new IllegalArgumentException("one mean and one matrix row per variable");
        }
        if (tests.size() != k * (k - 1) / 2) {
            throw new IllegalArgumentException("one test per pair of variables");
        }
        mean = mean.clone();
        covariance = copy(covariance, k);
        correlation = copy(correlation, k);
    }

    /** {@return a copy of the means} */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** {@return a copy of the covariance matrix} */
    @Override
    public double[][] covariance() {
        return copy(covariance, covariance.length);
    }

    /** {@return a copy of the correlation matrix} */
    @Override
    public double[][] correlation() {
        return copy(correlation, correlation.length);
    }

    /**
     * The test of one pair, in either order.
     *
     * @param first a variable's name
     * @param second another's
     * @return their correlation test
     */
    public PairTest test(String first, String second) {
        for (PairTest t : tests) {
            if (t.first().equals(first) && t.second().equals(second)
                    || t.first().equals(second) && t.second().equals(first)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no pair " + first + ", " + second);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CorrelationResult c && variables.equals(c.variables) && n == c.n
                && Arrays.equals(mean, c.mean) && Arrays.deepEquals(covariance, c.covariance)
                && Arrays.deepEquals(correlation, c.correlation) && tests.equals(c.tests);
    }

    @Override
    public int hashCode() {
        return Objects.hash(variables, n, Arrays.hashCode(mean), Arrays.deepHashCode(covariance),
                Arrays.deepHashCode(correlation), tests);
    }

    @Override
    public String toString() {
        return "CorrelationResult[variables=" + variables + ", n=" + n + ", mean=" + Arrays.toString(mean)
                + ", covariance=" + Arrays.deepToString(covariance) + ", correlation="
                + Arrays.deepToString(correlation) + ", tests=" + tests + "]";
    }

    private static double[][] copy(double[][] m, int k) {
        double[][] out = new double[k][];
        for (int i = 0; i < k; i++) {
            if (m[i].length != k) {
                throw new IllegalArgumentException("matrices must be k×k");
            }
            out[i] = m[i].clone();
        }
        return out;
    }
}
