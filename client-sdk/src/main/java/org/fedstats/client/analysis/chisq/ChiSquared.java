package org.fedstats.client.analysis.chisq;

import java.util.List;
import org.fedstats.client.analysis.Render;

/**
 * Pearson's chi-squared test of independence (pooled), or a site's answer: its two-way table only ({@link #pooled()}
 * false, the statistic NaN).
 *
 * @param counts counts[r][c], rows in {@code rowLevels} order, columns in {@code columnLevels} order
 * @param smallExpected some expected count is below 5: the chi-squared approximation may be poor
 */
public record ChiSquared(boolean pooled, String rowVariable, String columnVariable, List<String> rowLevels,
    List<String> columnLevels, long[][] counts, double statistic, long df, double pValue, boolean smallExpected) {
  public ChiSquared {
    rowLevels = List.copyOf(rowLevels);
    columnLevels = List.copyOf(columnLevels);
  }

  public long total() {
    return Render.total(counts);
  }
}
