package org.fedstats.stats.lm;

import java.util.Arrays;
import java.util.Objects;

/**
 * The sufficient statistics of a linear model over some rows: their number, X'X, X'y, y'y and Σy. Computed by each
 * site from its own rows (node side) and pooled exactly by summing ({@link #plus}) on the coordinator.
 *
 * @param n the number of rows
 * @param xtx X'X, p×p, row-major (symmetric)
 * @param xty X'y, length p
 * @param yty y'y
 * @param sumY Σy
 */
public record LmStats(long n, double[] xtx, double[] xty, double yty, double sumY) {

    public LmStats {
        Objects.requireNonNull(xtx, "xtx");
        Objects.requireNonNull(xty, "xty");
        int p = xty.length;
        if (p == 0) {
            throw new IllegalArgumentException("a model needs at least one column");
        }
        if (xtx.length != p * p) {
            throw new IllegalArgumentException("X'X must have " + p * p + " entries for " + p + " columns, got " + xtx.length);
        }
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        xtx = xtx.clone();
        xty = xty.clone();
    }

    /** The number of design columns. */
    public int p() {
        return xty.length;
    }

    /** A copy of X'X (row-major). */
    @Override
    public double[] xtx() {
        return xtx.clone();
    }

    /** A copy of X'y. */
    @Override
    public double[] xty() {
        return xty.clone();
    }

    /** The statistics of no rows with p columns. */
    public static LmStats empty(int p) {
        return new LmStats(0, new double[p * p], new double[p], 0, 0);
    }

    /** The statistics of these rows (each x[i] a design row, y[i] its response). */
    public static LmStats of(double[][] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " design rows but " + y.length + " responses");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("no rows: use empty(p)");
        }
        Accumulator acc = new Accumulator(x[0].length);
        for (int i = 0; i < x.length; i++) {
            acc.add(x[i], y[i]);
        }
        return acc.result();
    }

    /** The pooled statistics of the rows of this and other (exact). */
    public LmStats plus(LmStats other) {
        if (other.p() != p()) {
            throw new IllegalArgumentException("cannot pool statistics with " + p() + " and " + other.p() + " columns");
        }
        double[] a = xtx.clone();
        double[] b = xty.clone();
        for (int i = 0; i < a.length; i++) {
            a[i] += other.xtx[i];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] += other.xty[i];
        }
        return new LmStats(n + other.n, a, b, yty + other.yty, sumY + other.sumY);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LmStats s && n == s.n && Arrays.equals(xtx, s.xtx) && Arrays.equals(xty, s.xty)
                && Double.compare(yty, s.yty) == 0 && Double.compare(sumY, s.sumY) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(n, Arrays.hashCode(xtx), Arrays.hashCode(xty), yty, sumY);
    }

    @Override
    public String toString() {
        return "LmStats[n=" + n + ", p=" + p() + "]";
    }

    /** Adds rows one at a time (node side), so a site never needs its whole design matrix in memory. */
    public static final class Accumulator {
        private final int p;
        private final double[] xtx;
        private final double[] xty;
        private long n;
        private double yty;
        private double sumY;

        /** An accumulator for rows of p design columns. */
        public Accumulator(int p) {
            if (p < 1) {
                throw new IllegalArgumentException("a model needs at least one column, got " + p);
            }
            this.p = p;
            this.xtx = new double[p * p];
            this.xty = new double[p];
        }

        /** Adds one complete row: its design columns and its response (all finite). */
        public Accumulator add(double[] xRow, double y) {
            if (xRow.length != p) {
                throw new IllegalArgumentException("expected " + p + " design columns, got " + xRow.length);
            }
            if (!Double.isFinite(y)) {
                throw new IllegalArgumentException("the response must be finite, got " + y);
            }
            for (int i = 0; i < p; i++) {
                double xi = xRow[i];
                if (!Double.isFinite(xi)) {
                    throw new IllegalArgumentException("design column " + i + " must be finite, got " + xi);
                }
                int base = i * p;
                for (int j = i; j < p; j++) {
                    xtx[base + j] += xi * xRow[j];
                }
                xty[i] += xi * y;
            }
            yty += y * y;
            sumY += y;
            n++;
            return this;
        }

        /** The statistics of the rows added so far. */
        public LmStats result() {
            double[] full = xtx.clone();
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < i; j++) {
                    full[i * p + j] = full[j * p + i];
                }
            }
            return new LmStats(n, full, xty, yty, sumY);
        }
    }
}
