package org.fedstats.stats.table;

import java.util.ArrayList;
import java.util.List;

import org.hipparchus.special.Gamma;

/**
 * Coordinator side: Pearson's chi-squared test of independence on a pooled table of counts, as R's
 * {@code chisq.test(x, correct = FALSE)} for an r×c matrix.
 *
 * <p>Unlike R (which returns NaN), rows and columns whose counts are all zero are dropped first and named in the
 * result. The p value is the upper tail of χ²(df), computed as the regularized incomplete gamma function
 * {@code Q(df/2, X²/2)} (Hipparchus; the function {@code ChiSquaredDistribution} is built on, without the
 * cancellation of {@code 1 − cdf} for small p).
 */
public final class ChiSquaredTest {

    /** Below this expected count R warns that the chi-squared approximation may be incorrect. */
    public static final double MIN_EXPECTED = 5;

    private ChiSquaredTest() {
    }

    /**
     * Tests independence on an unlabelled table (rows and columns labelled 1, 2, …).
     *
     * @param counts pooled counts, rectangular and non-negative
     * @return the test
     * @throws IllegalArgumentException if a count is negative, the table is not rectangular, or fewer than two
     *                                  non-empty rows or columns remain
     */
    public static ChiSquaredResult independence(long[][] counts) {
        return independence(CountTable.of(counts));
    }

    /**
     * Tests independence of the row and column variables.
     *
     * @param table pooled counts
     * @return the test
     * @throws IllegalArgumentException if fewer than two non-empty rows or two non-empty columns remain (the test
     *                                  of independence needs at least a 2×2 table)
     */
    public static ChiSquaredResult independence(CountTable table) {
        long[][] in = table.counts();
        int r0 = in.length;
        int c0 = table.columnLabels().size();
        List<Integer> keepRows = new ArrayList<>();
        List<Integer> keepCols = new ArrayList<>();
        List<String> droppedRows = new ArrayList<>();
        List<String> droppedCols = new ArrayList<>();
        for (int i = 0; i < r0; i++) {
            long s = 0;
            for (int j = 0; j < c0; j++) {
                s = Math.addExact(s, in[i][j]);
            }
            if (s > 0) {
                keepRows.add(i);
            } else {
                droppedRows.add(table.rowLabels().get(i));
            }
        }
        for (int j = 0; j < c0; j++) {
            long s = 0;
            for (int i = 0; i < r0; i++) {
                s = Math.addExact(s, in[i][j]);
            }
            if (s > 0) {
                keepCols.add(j);
            } else {
                droppedCols.add(table.columnLabels().get(j));
            }
        }
        int r = keepRows.size();
        int c = keepCols.size();
        if (r < 2 || c < 2) {
            throw new IllegalArgumentException("the test of independence needs at least two non-empty rows and two "
                    + "non-empty columns; the table has " + r + " and " + c);
        }
        long[][] o = new long[r][c];
        List<String> rowLabels = new ArrayList<>();
        List<String> colLabels = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            rowLabels.add(table.rowLabels().get(keepRows.get(i)));
            for (int j = 0; j < c; j++) {
                o[i][j] = in[keepRows.get(i)][keepCols.get(j)];
            }
        }
        for (int j = 0; j < c; j++) {
            colLabels.add(table.columnLabels().get(keepCols.get(j)));
        }
        CountTable observed = new CountTable(rowLabels, colLabels, o);
        long n = observed.total();
        double[] rowSum = new double[r];
        double[] colSum = new double[c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                rowSum[i] += o[i][j];
                colSum[j] += o[i][j];
            }
        }
        double[][] e = new double[r][c];
        double x2 = 0;
        boolean low = false;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                e[i][j] = rowSum[i] * colSum[j] / n;
                double d = o[i][j] - e[i][j];
                x2 += d * d / e[i][j];
                low |= e[i][j] < MIN_EXPECTED;
            }
        }
        int df = (r - 1) * (c - 1);
        double p = Gamma.regularizedGammaQ(df / 2.0, x2 / 2);
        List<String> warnings = new ArrayList<>();
        if (low) {
            warnings.add("Chi-squared approximation may be incorrect: some expected counts are below 5");
        }
        if (!droppedRows.isEmpty()) {
            warnings.add("rows with all counts zero were dropped: " + droppedRows);
        }
        if (!droppedCols.isEmpty()) {
            warnings.add("columns with all counts zero were dropped: " + droppedCols);
        }
        return new ChiSquaredResult(x2, df, p, n, observed, e, droppedRows, droppedCols, low, warnings);
    }
}
