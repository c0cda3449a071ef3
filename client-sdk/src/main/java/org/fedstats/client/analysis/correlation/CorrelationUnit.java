package org.fedstats.client.analysis.correlation;

import static org.fedstats.client.analysis.Render.number;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CorrelationAnalysis;
import org.fedstats.proto.v1.CorrelationResult;
import org.fedstats.proto.v1.CorrelationStats;

/** Correlation matrices: the request, the pooled matrices and the sites' n. */
public final class CorrelationUnit implements View<Correlation> {
  public static final Unit<Correlation> UNIT = new Unit<>("correlation", Analysis.KindCase.CORRELATION,
      new CorrelationUnit(), CorrelationCommand.class, false);

  private CorrelationUnit() {}

  /** At least two numeric variables. */
  public static AnalysisSpec<Correlation> spec(List<String> variables) {
    if (variables.size() < 2) {
      throw new IllegalArgumentException("a correlation needs at least two variables");
    }
    return UNIT.spec(Analysis.newBuilder().setCorrelation(CorrelationAnalysis.newBuilder()
        .addAllVariables(variables)).build());
  }

  @Override
  public Correlation decode(AnalysisResult result) {
    return switch (result.getKindCase()) {
      case CORRELATION -> {
        CorrelationResult c = result.getCorrelation();
        int k = c.getPooled().getVariablesCount();
        yield new Correlation(true, c.getPooled().getN(), c.getPooled().getVariablesList(),
            c.getPooled().getMeanList(), square(c.getCovarianceList(), k), square(c.getCorrelationList(), k),
            square(c.getPValueList(), k));
      }
      case CORRELATION_STATS -> {
        CorrelationStats s = result.getCorrelationStats();
        yield new Correlation(false, s.getN(), s.getVariablesList(), s.getMeanList(), new double[0][],
            new double[0][], new double[0][]);
      }
      default -> throw View.unexpected(result, "correlation");
    };
  }

  private static double[][] square(List<Double> rowMajor, int k) {
    double[][] m = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        int at = i * k + j;
        m[i][j] = at < rowMajor.size() ? rowMajor.get(at) : Double.NaN;
      }
    }
    return m;
  }

  @Override
  public String brief(Correlation c) {
    if (!c.pooled()) {
      return "n = " + c.n() + " complete cases";
    }
    return "n = " + c.n() + ", " + c.variables().size() + " variables";
  }

  /** n, the correlation matrix, then the p-values. */
  @Override
  public List<String> detail(Correlation c) {
    List<String> lines = new ArrayList<>();
    lines.add("n = " + c.n() + " complete cases");
    lines.add("correlation:");
    lines.addAll(matrix(c, c.correlation()));
    lines.add("p-value (cor.test):");
    lines.addAll(matrix(c, c.pValue()));
    return lines;
  }

  private static List<String> matrix(Correlation c, double[][] m) {
    // Every column as wide as its widest name or number, plus two spaces between columns.
    int widest = c.variables().stream().mapToInt(String::length).max().orElse(0);
    for (double[] row : m) {
      for (double v : row) {
        widest = Math.max(widest, number(v).length());
      }
    }
    int width = Math.max(10, widest + 2);
    String cell = "%" + width + "s";
    List<String> lines = new ArrayList<>();
    StringBuilder header = new StringBuilder(String.format("%-" + width + "s", ""));
    c.variables().forEach(v -> header.append(String.format(cell, v)));
    lines.add(header.toString().stripTrailing());
    for (int i = 0; i < m.length; i++) {
      StringBuilder row = new StringBuilder(String.format("%-" + width + "s", c.variables().get(i)));
      for (double v : m[i]) {
        row.append(String.format(cell, number(v)));
      }
      lines.add(row.toString());
    }
    return lines;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.string("variable1"), Column.string("variable2"), Column.int64("n"),
        Column.float64("correlation"), Column.float64("covariance"), Column.float64("p_value"));
  }

  /** Long form, one row per pair i < j (as R's and pandas' tidy tools expect); a site's answer: one row, its n. */
  @Override
  public List<List<Object>> rows(Correlation c) {
    List<List<Object>> rows = new ArrayList<>();
    if (!c.pooled()) {
      rows.add(Arrays.asList(null, null, c.n(), null, null, null));
      return rows;
    }
    for (int i = 0; i < c.variables().size(); i++) {
      for (int j = i + 1; j < c.variables().size(); j++) {
        rows.add(List.of(c.variables().get(i), c.variables().get(j), c.n(), c.correlation()[i][j],
            c.covariance()[i][j], c.pValue()[i][j]));
      }
    }
    return rows;
  }
}
