package org.fedstats.node.analysis.table;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.TreeSet;
import org.fedstats.common.Contract;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;
import org.fedstats.node.disclosure.Released;
import org.fedstats.node.error.RequestException;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;

/**
 * Table, node side: cell counts of one or two categorical, integer or boolean variables, with records that have no
 * value counted under {@link Contract#MISSING_LEVEL}. Releases every cell.
 */
public final class TableStep implements LocalAnalysis<TableStep.Params> {
  /** The table's variables; {@code column} is null for a one-way table. */
  public record Params(Variable row, Variable column) {}

  @Override
  public String id() {
    return "table";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.TABLE;
  }

  @Override
  public Params validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    Variable row = tabulable(schema, request.getTable().getRowVariable());
    Variable column = null;
    if (!request.getTable().getColumnVariable().isEmpty()) {
      column = tabulable(schema, request.getTable().getColumnVariable());
      if (column.equals(row)) {
        throw RequestException.invalid("a two-way table needs two different variables");
      }
    }
    return new Params(row, column);
  }

  /** A declared variable that can be tabulated: categorical, integer or boolean. */
  public static Variable tabulable(DatasetSchema schema, String name) {
    Variable v = schema.require(name);
    if (v.type() == VariableType.NUMERIC || v.type() == VariableType.DATE) {
      throw RequestException.invalid("a table needs categorical, integer or boolean variables; " + v.name()
          + " is " + v.type().label() + " (use a histogram)");
    }
    return v;
  }

  @Override
  public Release compute(Params p, LocalData data) throws SQLException {
    return release(p, data, tabulate(p, data));
  }

  /** A table of {@code p}'s variables as a site's result: every cell, and the records each counts, are released. */
  public static Release release(Params p, LocalData data, TableResult table) {
    List<String> keys = new ArrayList<>(List.of(p.row().sqlIdentifier()));
    if (p.column() != null) {
      keys.add(p.column().sqlIdentifier());
    }
    long[] cells = table.getCellsList().stream().mapToLong(TableCell::getCount).toArray();
    long records = LongStream.of(cells).sum();
    // The table's shape first: a refusal for too many levels says more than one for a small cell.
    List<Released> released = new ArrayList<>(List.of(new Released.Levels(table.getRowLevelsCount(), records)));
    if (p.column() != null) {
      released.add(new Released.Levels(table.getColumnLevelsCount(), records));
    }
    released.add(new Released.Cells("table cell", cells));
    return new Release(AnalysisResult.newBuilder().setTable(table).build(), released,
        List.of(data.recordSets(keys, List.of(), "TRUE")));
  }

  /** The cohort's table of {@code p}'s variables: every pair of levels, zeros included. */
  public static TableResult tabulate(Params p, LocalData data) throws SQLException {
    Variable row = p.row();
    Variable col = p.column();
    String cols = row.sqlIdentifier() + (col == null ? "" : ", " + col.sqlIdentifier());
    String sql = "SELECT " + cols + ", count(*) FROM " + data.table() + " WHERE " + data.cohortSql()
        + " GROUP BY " + (col == null ? "1" : "1, 2");
    Map<List<String>, Long> counts = new LinkedHashMap<>();
    List<String> observedRows = new ArrayList<>();
    List<String> observedCols = new ArrayList<>();
    try (PreparedStatement ps = data.prepare(sql, data.cohortParams()); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String r = level(rs.getObject(1));
        String k = col == null ? "" : level(rs.getObject(2));
        counts.put(List.of(r, k), rs.getLong(col == null ? 2 : 3));
        observedRows.add(r);
        observedCols.add(k);
      }
    }
    List<String> rowLevels = levels(row, observedRows);
    List<String> colLevels = col == null ? List.of("") : levels(col, observedCols);
    TableResult.Builder result = TableResult.newBuilder().setRowVariable(row.name()).addAllRowLevels(rowLevels);
    if (col != null) {
      result.setColumnVariable(col.name()).addAllColumnLevels(colLevels);
    }
    for (String r : rowLevels) {
      for (String k : colLevels) {
        result.addCells(TableCell.newBuilder().setRow(r).setColumn(k)
            .setCount(counts.getOrDefault(List.of(r, k), 0L)));
      }
    }
    return result.build();
  }

  private static String level(Object value) {
    return value == null ? Contract.MISSING_LEVEL : String.valueOf(value);
  }

  /** Declared levels for categorical variables; observed values in natural order otherwise; missing last. */
  private static List<String> levels(Variable v, List<String> observed) {
    List<String> levels = new ArrayList<>();
    switch (v.type()) {
      case CATEGORICAL -> levels.addAll(v.levels());
      case BOOLEAN -> levels.addAll(List.of("false", "true"));
      default -> {
        TreeSet<String> sorted = new TreeSet<>(Comparator.comparingLong(Long::parseLong));
        observed.stream().filter(o -> !o.equals(Contract.MISSING_LEVEL)).forEach(sorted::add);
        levels.addAll(sorted);
      }
    }
    if (observed.contains(Contract.MISSING_LEVEL)) {
      levels.add(Contract.MISSING_LEVEL);
    }
    return levels;
  }
}
