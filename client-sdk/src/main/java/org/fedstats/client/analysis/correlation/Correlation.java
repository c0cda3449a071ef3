package org.fedstats.client.analysis.correlation;

import java.util.List;

/**
 * The pooled correlation and covariance matrices of numeric variables over the complete cases, with cor.test's
 * p-values; or a site's answer, its n and means only ({@link #pooled()} false, the matrices empty). Matrices are
 * k x k, {@code [i][j]} for {@code variables.get(i)} and {@code variables.get(j)}.
 */
public record Correlation(boolean pooled, long n, List<String> variables, List<Double> means, double[][] covariance,
    double[][] correlation, double[][] pValue) {
  public Correlation {
    variables = List.copyOf(variables);
    means = List.copyOf(means);
  }

  /** The correlation of two of the variables. */
  public double correlation(String a, String b) {
    return correlation[index(a)][index(b)];
  }

  public double pValue(String a, String b) {
    return pValue[index(a)][index(b)];
  }

  private int index(String v) {
    int i = variables.indexOf(v);
    if (i < 0 || !pooled) {
      throw new IllegalArgumentException(pooled ? "no variable " + v : "a site's answer has no matrices");
    }
    return i;
  }
}
