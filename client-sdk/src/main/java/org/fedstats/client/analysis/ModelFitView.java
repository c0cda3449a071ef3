package org.fedstats.client.analysis;

import java.util.List;

/**
 * A fitted linear or generalised linear model as the client sees it: the pooled fit of {@code lm} or {@code glm}.
 * A site's answer to those analyses is only its sufficient statistics: a view with {@link #pooled()} false, its
 * {@link #n()}, design {@link #columns()} and (glm) the deviance at the last round, and no coefficients.
 *
 * @param formula the formula as the node read it
 * @param family "gaussian (lm)", "binomial", "poisson" or "gaussian"
 * @param coefficients one per design column, R's names ("(Intercept)", "rxLev", "rxLev:age")
 * @param statisticName "t" (lm, Gaussian) or "z" (binomial, Poisson)
 * @param covariance of the estimates, row-major p x p (empty if not sent)
 */
public record ModelFitView(boolean pooled, String formula, String family, List<String> columns,
    List<Coefficient> coefficients, String statisticName, long n, long dfResidual, long dfNull, double deviance,
    double nullDeviance, double aic, int iterations, boolean converged, double sigma, double rSquared,
    double adjRSquared, double fStatistic, double fPValue, List<Double> covariance) {
  public ModelFitView {
    columns = List.copyOf(columns);
    coefficients = List.copyOf(coefficients);
    covariance = List.copyOf(covariance);
  }

  /** One row of the coefficient table. */
  public record Coefficient(String term, double estimate, double stdError, double statistic, double pValue) {}

  /** The coefficient of a term; {@link IllegalArgumentException} if the model has none of that name. */
  public Coefficient coefficient(String term) {
    return coefficients.stream().filter(c -> c.term().equals(term)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no term " + term + " in " + columns));
  }

  /** A site's sufficient statistics: n, design columns and (glm) the deviance at its last round. */
  static ModelFitView siteStatistics(long n, List<String> columns, double deviance) {
    return new ModelFitView(false, "", "", columns, List.of(), "", n, 0, 0, deviance, Double.NaN, Double.NaN, 0,
        false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of());
  }
}
