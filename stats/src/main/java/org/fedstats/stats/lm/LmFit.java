package org.fedstats.stats.lm;

import java.util.List;
import java.util.Objects;
import org.fedstats.stats.model.CoefficientTable;

/**
 * A fitted linear model, as R's {@code summary(lm(...))}.
 *
 * @param columns the design column names
 * @param estimates the coefficients
 * @param stdErrors their standard errors
 * @param tValues estimate / standard error
 * @param pValues two-sided p values from the t distribution with {@code dfResidual} degrees of freedom
 * @param n the number of rows
 * @param dfResidual n − p
 * @param rss the residual sum of squares
 * @param sigma the residual standard error √(rss / dfResidual)
 * @param rSquared R² (about the mean with an intercept, about zero without, as R)
 * @param adjRSquared adjusted R²
 * @param fStatistic the F statistic against the intercept-only (or, without intercept, the empty) model; NaN when
 *     the model has no other columns
 * @param fNumeratorDf its numerator degrees of freedom
 * @param fPValue its p value
 */
public record LmFit(List<String> columns, List<Double> estimates, List<Double> stdErrors, List<Double> tValues,
        List<Double> pValues, long n, long dfResidual, double rss, double sigma, double rSquared, double adjRSquared,
        double fStatistic, int fNumeratorDf, double fPValue) implements CoefficientTable {

    public LmFit {
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        estimates = List.copyOf(estimates);
        stdErrors = List.copyOf(stdErrors);
        tValues = List.copyOf(tValues);
        pValues = List.copyOf(pValues);
        int p = columns.size();
        if (estimates.size() != p || stdErrors.size() != p || tValues.size() != p || pValues.size() != p) {
            throw new IllegalArgumentException("every coefficient list needs " + p + " entries");
        }
        if (dfResidual < 1) {
            throw new IllegalArgumentException("residual degrees of freedom must be at least 1, got " + dfResidual);
        }
    }
}
