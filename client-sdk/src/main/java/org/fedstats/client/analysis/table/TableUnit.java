package org.fedstats.client.analysis.table;

import java.util.ArrayList;
import java.util.List;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.Render;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.TableResult;

/** Frequency tables: the request and how a table is read and shown. */
public final class TableUnit implements View<Table> {
  public static final Unit<Table> UNIT = new Unit<>("table", Analysis.KindCase.TABLE, new TableUnit(),
      TableCommand.class, false);

  private TableUnit() {}

  /** A one-way table when {@code columnVariable} is null or empty. */
  public static AnalysisSpec<Table> spec(String rowVariable, String columnVariable) {
    return UNIT.spec(Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable(rowVariable)
        .setColumnVariable(columnVariable == null ? "" : columnVariable)).build());
  }

  @Override
  public Table decode(AnalysisResult result) {
    if (!result.hasTable()) {
      throw View.unexpected(result, "table");
    }
    return table(result.getTable());
  }

  /** A table message as a {@link Table}: cells of levels it does not list are left out. */
  public static Table table(TableResult t) {
    List<String> cols = t.getColumnLevelsCount() == 0 ? List.of("") : t.getColumnLevelsList();
    long[][] counts = Render.cells(t, cols);
    return new Table(t.getRowVariable(), t.getColumnVariable(), t.getRowLevelsList(), cols, counts);
  }

  @Override
  public String brief(Table t) {
    return "table of " + t.total() + " records";
  }

  /** A header line, then a line a row level, in columns at least 10 wide. */
  @Override
  public List<String> detail(Table t) {
    boolean twoWay = !t.columnVariable().isEmpty();
    List<String> header = new ArrayList<>();
    header.add(twoWay ? t.rowVariable() + " \\ " + t.columnVariable() : t.rowVariable());
    header.addAll(twoWay ? t.columnLevels() : List.of("count"));
    return Render.counts(header, t.rowLevels(), t.counts());
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.string("row"), Column.string("column"), Column.int64("count"));
  }

  /** One row per cell; a one-way table's column level is "". */
  @Override
  public List<List<Object>> rows(Table t) {
    List<List<Object>> rows = new ArrayList<>();
    for (int r = 0; r < t.rowLevels().size(); r++) {
      for (int c = 0; c < t.columnLevels().size(); c++) {
        rows.add(List.of(t.rowLevels().get(r), t.columnLevels().get(c), t.counts()[r][c]));
      }
    }
    return rows;
  }
}
