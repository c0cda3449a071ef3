package org.fedstats.client.analysis.chisq;

import static org.fedstats.client.analysis.Render.number;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.Render;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.ChiSquaredAnalysis;
import org.fedstats.proto.v1.TableResult;

/** Chi-squared tests of independence: the request, and the pooled test (the sites answer with their tables). */
public final class ChiSquaredUnit implements View<ChiSquared> {
  public static final Unit<ChiSquared> UNIT = new Unit<>("chisq", Analysis.KindCase.CHISQ, new ChiSquaredUnit(),
      ChiSquaredCommand.class, false);

  private ChiSquaredUnit() {}

  public static AnalysisSpec<ChiSquared> spec(String rowVariable, String columnVariable) {
    return UNIT.spec(Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder().setRowVariable(rowVariable)
        .setColumnVariable(columnVariable)).build());
  }

  @Override
  public ChiSquared decode(AnalysisResult result) {
    return switch (result.getKindCase()) {
      case CHISQ -> of(true, result.getChisq().getTable(), result.getChisq().getStatistic(),
          result.getChisq().getDf(), result.getChisq().getPValue(), result.getChisq().getSmallExpected());
      case TABLE -> of(false, result.getTable(), Double.NaN, 0, Double.NaN, false);
      default -> throw View.unexpected(result, "chi-squared");
    };
  }

  private static ChiSquared of(boolean pooled, TableResult t, double statistic, long df, double p, boolean small) {
    List<String> cols = t.getColumnLevelsList();
    long[][] counts = Render.cells(t, cols);
    return new ChiSquared(pooled, t.getRowVariable(), t.getColumnVariable(), t.getRowLevelsList(), cols, counts,
        statistic, df, p, small);
  }

  @Override
  public String brief(ChiSquared x) {
    return x.pooled() ? test(x) : "table of " + x.total() + " records";
  }

  private static String test(ChiSquared x) {
    return "X-squared = " + number(x.statistic()) + ", df = " + x.df() + ", p-value = " + number(x.pValue());
  }

  /** The test, a note when expected counts are small, then the pooled table. */
  @Override
  public List<String> detail(ChiSquared x) {
    List<String> lines = new ArrayList<>();
    lines.add(test(x));
    if (x.smallExpected()) {
      lines.add("NOTE: some expected counts are below 5; the chi-squared approximation may be poor");
    }
    List<String> header = new ArrayList<>();
    header.add(x.rowVariable() + " \\ " + x.columnVariable());
    header.addAll(x.columnLevels());
    lines.addAll(Render.counts(header, x.rowLevels(), x.counts()));
    return lines;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.string("row"), Column.string("column"), Column.int64("count"), Column.float64("statistic"),
        Column.int64("df"), Column.float64("p_value"), Column.bool("small_expected"));
  }

  /** One row per cell, the test's columns repeated on each (none for a site's table). */
  @Override
  public List<List<Object>> rows(ChiSquared x) {
    List<List<Object>> rows = new ArrayList<>();
    for (int r = 0; r < x.rowLevels().size(); r++) {
      for (int c = 0; c < x.columnLevels().size(); c++) {
        rows.add(Arrays.asList(x.rowLevels().get(r), x.columnLevels().get(c), x.counts()[r][c],
            x.pooled() ? x.statistic() : null, x.pooled() ? x.df() : null, x.pooled() ? x.pValue() : null,
            x.pooled() ? x.smallExpected() : null));
      }
    }
    return rows;
  }
}
