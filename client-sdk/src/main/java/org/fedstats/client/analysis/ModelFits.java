package org.fedstats.client.analysis;

import static org.fedstats.client.analysis.Render.number;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.ModelFit;

/**
 * The view of {@code lm} and {@code glm} results: the pooled {@link ModelFit} shown as R's {@code summary()} does,
 * and the sites' sufficient statistics (LinearModelStats, GlmRoundStats) by their n.
 */
public final class ModelFits implements View<ModelFitView> {
  /** lm's view: R's summary() of an lm (sigma, R², F). */
  public static final ModelFits LINEAR = new ModelFits(true);
  /** glm's view: R's summary() of a glm (deviances, AIC, iterations). */
  public static final ModelFits GENERALISED = new ModelFits(false);

  private final boolean linear;

  private ModelFits(boolean linear) {
    this.linear = linear;
  }

  @Override
  public ModelFitView decode(AnalysisResult result) {
    return switch (result.getKindCase()) {
      case MODEL_FIT -> fit(result.getModelFit());
      case LM_STATS -> ModelFitView.siteStatistics(result.getLmStats().getN(), result.getLmStats().getColumnsList(),
          Double.NaN);
      case GLM_ROUND -> ModelFitView.siteStatistics(result.getGlmRound().getN(),
          result.getGlmRound().getColumnsList(), result.getGlmRound().getDeviance());
      default -> throw View.unexpected(result, linear ? "linear model" : "glm");
    };
  }

  /** A model fit message as a view (also a site's own fit in a meta-analysis). */
  static ModelFitView fit(ModelFit f) {
    List<ModelFitView.Coefficient> coefficients = f.getCoefficientsList().stream()
        .map(c -> new ModelFitView.Coefficient(c.getTerm(), c.getEstimate(), c.getStdError(), c.getStatistic(),
            c.getPValue())).toList();
    return new ModelFitView(true, f.getFormula(), f.getFamily(),
        coefficients.stream().map(ModelFitView.Coefficient::term).toList(), coefficients, f.getStatisticName(),
        f.getN(), f.getDfResidual(), f.getDfNull(), f.getDeviance(), f.getNullDeviance(), f.getAic(),
        f.getIterations(), f.getConverged(), f.getSigma(), f.getRSquared(), f.getAdjRSquared(), f.getFStatistic(),
        f.getFPValue(), f.getCovarianceList());
  }

  @Override
  public String brief(ModelFitView m) {
    if (!m.pooled()) {
      return "n = " + m.n() + ", " + m.columns().size() + " design columns"
          + (Double.isNaN(m.deviance()) ? "" : ", deviance = " + number(m.deviance()));
    }
    if (linear) {
      return "n = " + m.n() + ", residual SE = " + number(m.sigma()) + ", R-squared = " + number(m.rSquared());
    }
    return "n = " + m.n() + ", deviance = " + number(m.deviance()) + ", AIC = " + number(m.aic())
        + (m.converged() ? "" : " (NOT CONVERGED)");
  }

  /** R's summary(lm) or summary(glm), from "Coefficients:" on. */
  @Override
  public List<String> detail(ModelFitView m) {
    if (!m.pooled()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    lines.add("formula: " + m.formula() + (linear ? "" : ", family " + m.family()) + ", n = " + m.n());
    lines.add("Coefficients:");
    lines.addAll(coefficientTable(m));
    if (linear) {
      lines.add("Residual standard error: " + number(m.sigma()) + " on " + m.dfResidual() + " degrees of freedom");
      lines.add("Multiple R-squared: " + number(m.rSquared()) + ", Adjusted R-squared: " + number(m.adjRSquared()));
      lines.add("F-statistic: " + number(m.fStatistic()) + " on " + (m.dfNull() - m.dfResidual()) + " and "
          + m.dfResidual() + " DF, p-value: " + pValue(m.fPValue()));
    } else {
      lines.add("Null deviance: " + number(m.nullDeviance()) + " on " + m.dfNull() + " degrees of freedom");
      lines.add("Residual deviance: " + number(m.deviance()) + " on " + m.dfResidual() + " degrees of freedom");
      lines.add("AIC: " + number(m.aic()));
      lines.add("Number of Fisher Scoring iterations: " + m.iterations());
      if (!m.converged()) {
        lines.add(warning(m));
      }
    }
    return lines;
  }

  private static String warning(ModelFitView m) {
    return "WARNING: the fit did not converge in " + m.iterations()
        + " iterations; the estimates are not reliable";
  }

  /** Term, Estimate, Std. Error, t or z value, Pr(>|t|): the term left-aligned, the numbers right-aligned. */
  static List<String> coefficientTable(ModelFitView m) {
    String s = m.statisticName().isEmpty() ? "z" : m.statisticName();
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("", "Estimate", "Std. Error", s + " value", "Pr(>|" + s + "|)"));
    for (ModelFitView.Coefficient c : m.coefficients()) {
      rows.add(List.of(c.term(), number(c.estimate()), number(c.stdError()),
          String.format(Locale.ROOT, "%.3f", c.statistic()), pValue(c.pValue())));
    }
    return aligned(rows);
  }

  /** Rows in columns: the first left-aligned, the others right-aligned, two spaces apart. */
  static List<String> aligned(List<List<String>> rows) {
    int[] width = new int[rows.getFirst().size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder(String.format("%-" + width[0] + "s", row.getFirst()));
      for (int i = 1; i < row.size(); i++) {
        line.append(String.format("  %" + width[i] + "s", row.get(i)));
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  /** As R's format.pval: three significant digits, "< 2e-16" below that. */
  static String pValue(double p) {
    if (Double.isNaN(p)) {
      return "NA";
    }
    return p < 2e-16 ? "< 2e-16" : String.format(Locale.ROOT, "%.3g", p).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2")
        .replaceAll("\\.(e|$)", "$1");
  }

  @Override
  public List<Column> columns() {
    List<Column> columns = new ArrayList<>(List.of(Column.string("term"), Column.float64("estimate"),
        Column.float64("std_error"), Column.float64("statistic"), Column.float64("p_value"), Column.int64("n"),
        Column.int64("df_residual")));
    columns.addAll(linear
        ? List.of(Column.float64("sigma"), Column.float64("r_squared"), Column.float64("adj_r_squared"),
            Column.float64("f_statistic"), Column.float64("f_p_value"))
        : List.of(Column.float64("deviance"), Column.float64("null_deviance"), Column.int64("df_null"),
            Column.float64("aic"), Column.int64("iterations"), Column.bool("converged")));
    return columns;
  }

  /** One row per coefficient (a site's statistics: one row without a term); NaN, a value not sent, is no value. */
  @Override
  public List<List<Object>> rows(ModelFitView m) {
    List<List<Object>> rows = new ArrayList<>();
    if (m.coefficients().isEmpty()) {
      rows.add(row(m, new ModelFitView.Coefficient("", Double.NaN, Double.NaN, Double.NaN, Double.NaN)));
    }
    m.coefficients().forEach(c -> rows.add(row(m, c)));
    return rows;
  }

  private List<Object> row(ModelFitView m, ModelFitView.Coefficient c) {
    List<Object> row = new ArrayList<>(Arrays.asList(c.term().isEmpty() ? null : c.term(), value(c.estimate()),
        value(c.stdError()), value(c.statistic()), value(c.pValue()), m.n(), m.pooled() ? m.dfResidual() : null));
    if (linear) {
      row.addAll(Arrays.asList(value(m.sigma()), value(m.rSquared()), value(m.adjRSquared()), value(m.fStatistic()),
          value(m.fPValue())));
    } else {
      row.addAll(Arrays.asList(value(m.deviance()), value(m.nullDeviance()), m.pooled() ? m.dfNull() : null,
          value(m.aic()), m.pooled() ? (long) m.iterations() : null, m.pooled() ? m.converged() : null));
    }
    return row;
  }

  /** A number, or no value for NaN. */
  private static Double value(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
