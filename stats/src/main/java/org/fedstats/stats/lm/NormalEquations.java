package org.fedstats.stats.lm;

import java.util.List;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.DecompositionSolver;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;

/**
 * Solves pooled normal equations A β = b (A = X'X or X'WX) on the coordinator, with the inverse of A for standard
 * errors.
 *
 * <p>A is scaled to unit diagonal before a Cholesky decomposition (Hipparchus) and the solution gets one step of
 * iterative refinement. A column that is (numerically) a linear combination of the columns before it is reported by
 * name, as R would report it aliased ({@code NA}).
 */
public final class NormalEquations {

    /** A column is aliased when its scaled Cholesky pivot (1 − R² on the columns before it) is below this. */
    public static final double ALIAS_TOLERANCE = 1e-11;

    private NormalEquations() {
    }

    /**
     * The solution of A β = b and A's inverse.
     *
     * @param beta the solution
     * @param inverse A⁻¹, row-major
     */
    public record Solution(double[] beta, double[] inverse) {
    }

    /**
     * Solves A β = b.
     *
     * @param columns the column names (for the error message)
     * @param a A, p×p row-major, symmetric
     * @param b b, length p
     * @throws IllegalArgumentException when a column is aliased (naming it)
     */
    public static Solution solve(List<String> columns, double[] a, double[] b) {
        int p = b.length;
        if (columns.size() != p || a.length != p * p) {
            throw new IllegalArgumentException("expected " + columns.size() + " columns, got b of length " + p
                    + " and A with " + a.length + " entries");
        }
        double[] d = new double[p];
        for (int i = 0; i < p; i++) {
            double diag = a[i * p + i];
            if (!(diag > 0) || !Double.isFinite(diag)) {
                throw aliased(columns, i, "it is zero in every row used");
            }
            d[i] = 1.0 / Math.sqrt(diag);
        }
        double[][] s = new double[p][p];
        double[] sb = new double[p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                s[i][j] = a[i * p + j] * d[i] * d[j];
            }
            sb[i] = b[i] * d[i];
        }
        checkAliasing(columns, s);
        RealMatrix sm = new Array2DRowRealMatrix(s, false);
        DecompositionSolver solver = new CholeskyDecomposition(sm, 1e-10, 0.0).getSolver();
        RealVector rhs = new ArrayRealVector(sb, false);
        RealVector x = solver.solve(rhs);
        RealVector residual = rhs.subtract(sm.operate(x));
        x = x.add(solver.solve(residual));
        RealMatrix inv = solver.getInverse();
        double[] beta = new double[p];
        double[] inverse = new double[p * p];
        for (int i = 0; i < p; i++) {
            beta[i] = x.getEntry(i) * d[i];
            for (int j = 0; j < p; j++) {
                inverse[i * p + j] = inv.getEntry(i, j) * d[i] * d[j];
            }
        }
        return new Solution(beta, inverse);
    }

    private static void checkAliasing(List<String> columns, double[][] s) {
        int p = s.length;
        double[][] l = new double[p][p];
        for (int j = 0; j < p; j++) {
            double pivot = s[j][j];
            for (int k = 0; k < j; k++) {
                pivot -= l[j][k] * l[j][k];
            }
            if (!(pivot > ALIAS_TOLERANCE)) {
                throw aliased(columns, j, "it is a linear combination of the columns before it");
            }
            l[j][j] = Math.sqrt(pivot);
            for (int i = j + 1; i < p; i++) {
                double v = s[i][j];
                for (int k = 0; k < j; k++) {
                    v -= l[i][k] * l[j][k];
                }
                l[i][j] = v / l[j][j];
            }
        }
    }

    private static IllegalArgumentException aliased(List<String> columns, int j, String why) {
        return new IllegalArgumentException("the design column '" + columns.get(j) + "' is aliased (" + why
                + "): X'X is singular; drop it or a related variable from the model");
    }
}
