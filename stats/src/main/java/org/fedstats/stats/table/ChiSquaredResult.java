package org.fedstats.stats.table;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Pearson's chi-squared test of independence on an r×c table, without continuity correction.
 *
 * @param statistic {@code X² = Σ (O − E)²/E}; ≥ 0
 * @param df degrees of freedom {@code (r − 1)(c − 1)} of the analysed table; ≥ 1
 * @param pValue upper tail of χ²(df) at the statistic
 * @param n total count
 * @param observed the analysed table: the input without its all-zero rows and columns
 * @param expected expected counts under independence, {@code E_ij = rowSum_i · colSum_j / n}, same shape
 * @param droppedRows labels of the all-zero rows left out before the test (empty if none)
 * @param droppedColumns labels of the all-zero columns left out before the test (empty if none)
 * @param lowExpected whether some expected count is below 5 (R warns "Chi-squared approximation may be incorrect")
 * @param warnings human-readable warnings: the low expected counts and the dropped rows and columns
 */
public record ChiSquaredResult(double statistic, int df, double pValue, long n, CountTable observed,
                               double[][] expected, List<String> droppedRows, List<String> droppedColumns,
                               boolean lowExpected, List<String> warnings) {

    /** Validates ranges and shapes and copies the arrays and lists. */
    public ChiSquaredResult {
        Objects.requireNonNull(observed, "observed");
        droppedRows = List.copyOf(droppedRows);
        droppedColumns = List.copyOf(droppedColumns);
        warnings = List.copyOf(warnings);
        if (!(statistic >= 0) || !Double.isFinite(statistic)) {
            throw new IllegalArgumentException("statistic must be finite and >= 0: " + statistic);
        }
        int r = observed.rowLabels().size();
        int c = observed.columnLabels().size();
        if (df != (r - 1) * (c - 1) || df < 1) {
            throw new IllegalArgumentException("df must be (r - 1)(c - 1) >= 1: " + df);
        }
        if (!(pValue >= 0 && pValue <= 1)) {
            throw new IllegalArgumentException("p value must be in [0, 1]: " + pValue);
        }
        if (n != observed.total()) {
            throw new IllegalArgumentException("n must be the table's total");
        }
        if (expected.length != r) {
            throw new IllegalArgumentException("expected counts must have the table's shape");
        }
        double[][] copy = new double[r][];
        boolean low = false;
        for (int i = 0; i < r; i++) {
            if (expected[i].length != c) {
                throw new IllegalArgumentException("expected counts must have the table's shape");
            }
            copy[i] = expected[i].clone();
            for (double e : copy[i]) {
                if (!(e > 0)) {
                    throw new IllegalArgumentException("expected counts must be > 0: " + e);
                }
                low |= e < 5;
            }
        }
        if (low != lowExpected) {
            throw new IllegalArgumentException("lowExpected must say whether some expected count is below 5");
        }
        expected = copy;
    }

    /** {@return a copy of the expected counts} */
    @Override
    public double[][] expected() {
        double[][] copy = new double[expected.length][];
        for (int i = 0; i < expected.length; i++) {
            copy[i] = expected[i].clone();
        }
        return copy;
    }

    /** {@return the smallest expected count} */
    public double minExpected() {
        return Arrays.stream(expected).flatMapToDouble(Arrays::stream).min().orElseThrow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChiSquaredResult x && Double.compare(statistic, x.statistic) == 0 && df == x.df
                && Double.compare(pValue, x.pValue) == 0 && n == x.n && observed.equals(x.observed)
                && Arrays.deepEquals(expected, x.expected) && droppedRows.equals(x.droppedRows)
                && droppedColumns.equals(x.droppedColumns) && lowExpected == x.lowExpected
                && warnings.equals(x.warnings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(statistic, df, pValue, n, observed, Arrays.deepHashCode(expected), droppedRows,
                droppedColumns, lowExpected, warnings);
    }

    @Override
    public String toString() {
        return "ChiSquaredResult[statistic=" + statistic + ", df=" + df + ", pValue=" + pValue + ", n=" + n
                + ", observed=" + observed + ", expected=" + Arrays.deepToString(expected) + ", droppedRows="
                + droppedRows + ", droppedColumns=" + droppedColumns + ", lowExpected=" + lowExpected
                + ", warnings=" + warnings + "]";
    }
}
