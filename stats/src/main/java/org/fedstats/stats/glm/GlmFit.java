package org.fedstats.stats.glm;

import java.util.List;
import java.util.Objects;
import org.fedstats.stats.model.CoefficientTable;

/**
 * A fitted GLM, as R's {@code summary(glm(...))}.
 *
 * @param family the family
 * @param columns the design column names
 * @param estimates the coefficients
 * @param stdErrors their standard errors (dispersion × the inverse of the X'WX of the final WLS step, as R)
 * @param statistics estimate / standard error (z for binomial and poisson, t for gaussian)
 * @param pValues two-sided p values (normal, or t with {@code dfResidual} degrees of freedom for gaussian)
 * @param dispersion 1, or the Pearson estimate for gaussian
 * @param deviance the residual deviance
 * @param nullDeviance the null deviance (of the intercept-only model, or of eta = offset without an intercept)
 * @param aic R's AIC
 * @param n the number of rows with positive weight
 * @param dfResidual n − p
 * @param dfNull n − 1 with an intercept, n without
 * @param iterations the IRLS iterations (as R's {@code iter})
 * @param converged whether the deviance converged within the maximum iterations (R warns when not)
 */
public record GlmFit(Family family, List<String> columns, List<Double> estimates, List<Double> stdErrors,
        List<Double> statistics, List<Double> pValues, double dispersion, double deviance, double nullDeviance,
        double aic, long n, long dfResidual, long dfNull, int iterations, boolean converged)
        implements CoefficientTable {

    public GlmFit {
        Objects.requireNonNull(family, "family");
        columns = List.copyOf(columns);
        estimates = List.copyOf(estimates);
        stdErrors = List.copyOf(stdErrors);
        statistics = List.copyOf(statistics);
        pValues = List.copyOf(pValues);
        int p = columns.size();
        if (estimates.size() != p || stdErrors.size() != p || statistics.size() != p || pValues.size() != p) {
            throw new IllegalArgumentException("every coefficient list needs " + p + " entries");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1");
        }
    }
}
