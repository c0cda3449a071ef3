package org.fedstats.client.analysis.table;

import java.util.List;
import org.fedstats.client.analysis.Render;

/** A one-way ({@code columnVariable} empty, one column "") or two-way frequency table. */
public record Table(String rowVariable, String columnVariable, List<String> rowLevels, List<String> columnLevels,
    long[][] counts) {
  public Table {
    rowLevels = List.copyOf(rowLevels);
    columnLevels = List.copyOf(columnLevels);
    if (counts.length != rowLevels.size()) {
      throw new IllegalArgumentException("one row of counts per row level");
    }
  }

  public long count(String row, String column) {
    int r = rowLevels.indexOf(row);
    int c = columnLevels.indexOf(column);
    if (r < 0 || c < 0) {
      throw new IllegalArgumentException("no cell " + row + " / " + column);
    }
    return counts[r][c];
  }

  /** The count of a level of a one-way table. */
  public long count(String row) {
    return count(row, "");
  }

  public long total() {
    return Render.total(counts);
  }
}
