package org.fedstats.client.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;

/** Number and table formatting shared by the views and the command line's listings. */
public final class Render {
  private Render() {}

  /** Six significant digits without trailing zeros, "NA" for NaN: 59.7546, 0.123457, 1e+06. */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "NA";
    }
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
  }

  /**
   * A table of counts as text: the header line, then a line a row (its label, then its counts), in left-aligned
   * columns as wide as the widest header plus two, and at least 10.
   */
  public static List<String> counts(List<String> header, List<String> rowLabels, long[][] counts) {
    int width = Math.max(10, header.stream().mapToInt(String::length).max().orElse(10) + 2);
    String cell = "%-" + width + "s";
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    header.forEach(h -> line.append(String.format(cell, h)));
    lines.add(line.toString().stripTrailing());
    for (int r = 0; r < rowLabels.size(); r++) {
      StringBuilder row = new StringBuilder(String.format(cell, rowLabels.get(r)));
      for (long c : counts[r]) {
        row.append(String.format(cell, c));
      }
      lines.add(row.toString().stripTrailing());
    }
    return lines;
  }

  /** The sum of a table's counts. */
  public static long total(long[][] counts) {
    long t = 0;
    for (long[] row : counts) {
      for (long c : row) {
        t += c;
      }
    }
    return t;
  }

  /**
   * A table message's cells as counts, rows in its row levels' order and columns in {@code columns}' order; cells
   * of levels it does not list are left out.
   */
  public static long[][] cells(TableResult t, List<String> columns) {
    long[][] counts = new long[t.getRowLevelsCount()][columns.size()];
    for (TableCell c : t.getCellsList()) {
      int r = t.getRowLevelsList().indexOf(c.getRow());
      int k = columns.indexOf(c.getColumn());
      if (r >= 0 && k >= 0) {
        counts[r][k] = c.getCount();
      }
    }
    return counts;
  }
}
