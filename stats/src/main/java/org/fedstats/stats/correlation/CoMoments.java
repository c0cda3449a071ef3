package org.fedstats.stats.correlation;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The sufficient statistics of means, covariances and Pearson correlations of k numeric variables over a set of
 * complete-case rows: the number of rows n, the mean vector x̄ and the co-moment matrix
 * {@code C = Σ (x − x̄)(x − x̄)ᵀ}. A site computes them from its own rows (see {@link Accumulator}); the coordinator
 * pools the sites' values exactly with {@link #plus(CoMoments)}.
 *
 * <p>Only complete cases count: a row with a missing value (NaN) in any of the k variables is left out, as R's
 * {@code cor(x, use = "complete.obs")} does (so correlations between two of the k variables are over the rows
 * complete in all k, not pairwise complete).
 *
 * @param variables the names of the k variables, distinct; k ≥ 1
 * @param n number of rows; ≥ 0
 * @param mean the k means (all 0 when n = 0); finite
 * @param comoments the k×k co-moment matrix: symmetric (to 1e-10 relative; stored exactly symmetric), finite,
 *                  with non-negative diagonal (all 0 when n ≤ 1)
 */
public record CoMoments(List<String> variables, long n, double[] mean, double[][] comoments) {

    /** Validates the shapes, values and symmetry; copies (and exactly symmetrizes) the arrays. */
    public CoMoments {
        variables = List.copyOf(variables);
        int k = variables.size();
        if (k == 0 || new HashSet<>(variables).size() != k) {
            throw new IllegalArgumentException("need at least one variable, with distinct names: " + variables);
        }
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0: " + n);
        }
        if (mean.length != k || comoments.length != k) {
            throw new IllegalArgumentException("mean and co-moments must have one entry per variable");
        }
        mean = mean.clone();
        double[][] c = new double[k][];
        for (int i = 0; i < k; i++) {
            if (comoments[i].length != k) {
                throw new IllegalArgumentException("co-moment matrix must be k×k");
            }
            c[i] = comoments[i].clone();
        }
        for (int i = 0; i < k; i++) {
            if (!Double.isFinite(mean[i])) {
                throw new IllegalArgumentException("means must be finite");
            }
            if (!(c[i][i] >= 0) || !Double.isFinite(c[i][i])) {
                throw new IllegalArgumentException("co-moment diagonal must be finite and >= 0: " + c[i][i]);
            }
            if (n == 0 && mean[i] != 0) {
                throw new IllegalArgumentException("means of no rows must be 0");
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                double a = c[i][j];
                double b = c[j][i];
                if (!Double.isFinite(a) || !Double.isFinite(b)) {
                    throw new IllegalArgumentException("co-moments must be finite");
                }
                double scale = Math.sqrt(c[i][i] * c[j][j]);
                if (Math.abs(a - b) > 1e-10 * scale) {
                    throw new IllegalArgumentException("co-moment matrix must be symmetric: " + a + " vs " + b);
                }
                if (n <= 1 && (a != 0 || b != 0)) {
                    throw new IllegalArgumentException("co-moments of at most one row must be 0");
                }
                c[i][j] = c[j][i] = a == b ? a : (a + b) / 2;
            }
            if (n <= 1 && c[i][i] != 0) {
                throw new IllegalArgumentException("co-moments of at most one row must be 0");
            }
        }
        comoments = c;
    }

    /**
     * The statistics of no rows.
     *
     * @param variables the names of the variables
     * @return n = 0, zero means and co-moments
     */
    public static CoMoments empty(List<String> variables) {
        int k = variables.size();
        return new CoMoments(variables, 0, new double[k], new double[k][k]);
    }

    /**
     * Node side: the statistics of some rows (incomplete rows, with a NaN, are left out).
     *
     * @param variables the names of the k variables
     * @param rows the rows, k values each
     * @return their co-moments
     */
    public static CoMoments of(List<String> variables, double[][] rows) {
        Accumulator acc = new Accumulator(variables);
        for (double[] row : rows) {
            acc.add(row);
        }
        return acc.toCoMoments();
    }

    /** {@return k, the number of variables} */
    public int dimension() {
        return variables.size();
    }

    /**
     * Pools two disjoint sets of rows exactly (Chan, Golub and LeVeque, multivariate): with {@code δ = x̄_b − x̄_a},
     * {@code n = n_a + n_b}, {@code x̄ = x̄_a + δ·n_b/n} and {@code C = C_a + C_b + δδᵀ·n_a·n_b/n}.
     *
     * @param other the other site's statistics of the same variables (same names, same order)
     * @return the statistics of the union of the rows
     */
    public CoMoments plus(CoMoments other) {
        if (!variables.equals(other.variables)) {
            throw new IllegalArgumentException("different variables: " + variables + " vs " + other.variables);
        }
        if (other.n == 0) {
            return this;
        }
        if (n == 0) {
            return other;
        }
        int k = variables.size();
        long total = Math.addExact(n, other.n);
        double fb = (double) other.n / total;
        double f = (double) n * (double) other.n / total;
        double[] delta = new double[k];
        double[] m = new double[k];
        for (int i = 0; i < k; i++) {
            delta[i] = other.mean[i] - mean[i];
            m[i] = mean[i] + delta[i] * fb;
        }
        double[][] c = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                c[i][j] = comoments[i][j] + other.comoments[i][j] + delta[i] * delta[j] * f;
                c[j][i] = c[i][j];
            }
        }
        return new CoMoments(variables, total, m, c);
    }

    /**
     * Pools the statistics of several sites (see {@link #plus(CoMoments)}).
     *
     * @param sites the sites' statistics; at least one
     * @return the statistics of all their rows
     */
    public static CoMoments pool(List<CoMoments> sites) {
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("at least one site is needed");
        }
        CoMoments sum = sites.get(0);
        for (CoMoments s : sites.subList(1, sites.size())) {
            sum = sum.plus(s);
        }
        return sum;
    }

    /** {@return a copy of the means} */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** {@return a copy of the co-moment matrix} */
    @Override
    public double[][] comoments() {
        double[][] copy = new double[comoments.length][];
        for (int i = 0; i < comoments.length; i++) {
            copy[i] = comoments[i].clone();
        }
        return copy;
    }

    /**
     * One entry of the co-moment matrix.
     *
     * @param i a variable's index
     * @param j another's
     * @return the co-moment {@code Σ (x_i − x̄_i)(x_j − x̄_j)}
     */
    public double comoment(int i, int j) {
        return comoments[i][j];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoMoments c && variables.equals(c.variables) && n == c.n && Arrays.equals(mean, c.mean)
                && Arrays.deepEquals(comoments, c.comoments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(variables, n, Arrays.hashCode(mean), Arrays.deepHashCode(comoments));
    }

    @Override
    public String toString() {
        return "CoMoments[variables=" + variables + ", n=" + n + ", mean=" + Arrays.toString(mean) + ", comoments="
                + Arrays.deepToString(comoments) + "]";
    }

    /**
     * Node side, mutable: accumulates complete-case rows one at a time by Welford's update: with
     * {@code d = x − x̄}, {@code n ← n + 1}, {@code x̄ ← x̄ + d/n}, {@code C ← C + ddᵀ·(n − 1)/n}. Not thread-safe.
     */
    public static final class Accumulator {
        private final List<String> variables;
        private final int k;
        private long n;
        private long skipped;
        private final double[] mean;
        private final double[][] c;

        /**
         * An accumulator of no rows yet.
         *
         * @param variables the names of the k variables, in the order of each row's values
         */
        public Accumulator(List<String> variables) {
            this.variables = List.copyOf(variables);
            this.k = this.variables.size();
            if (k == 0 || new HashSet<>(this.variables).size() != k) {
                throw new IllegalArgumentException("need at least one variable, with distinct names");
            }
            this.mean = new double[k];
            this.c = new double[k][k];
        }

        /**
         * Adds a row, unless it has a missing value.
         *
         * @param row k values, NaN for a missing one; infinite values are rejected
         * @return true if the row was complete and added, false if it was left out
         */
        public boolean add(double... row) {
            if (row.length != k) {
                throw new IllegalArgumentException("a row needs " + k + " values, got " + row.length);
            }
            for (double x : row) {
                if (Double.isNaN(x)) {
                    skipped++;
                    return false;
                }
                if (Double.isInfinite(x)) {
                    throw new IllegalArgumentException("values must be finite or NaN (missing): " + x);
                }
            }
            n++;
            double[] d = new double[k];
            for (int i = 0; i < k; i++) {
                d[i] = row[i] - mean[i];
                mean[i] += d[i] / n;
            }
            double f = (double) (n - 1) / n;
            for (int i = 0; i < k; i++) {
                for (int j = i; j < k; j++) {
                    c[i][j] += d[i] * d[j] * f;
                    c[j][i] = c[i][j];
                }
            }
            return true;
        }

        /** {@return the number of complete rows added} */
        public long n() {
            return n;
        }

        /** {@return the number of rows left out for a missing value} */
        public long skipped() {
            return skipped;
        }

        /** {@return the statistics of the rows added so far} */
        public CoMoments toCoMoments() {
            return new CoMoments(variables, n, mean, c);
        }
    }
}
