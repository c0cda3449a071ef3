package org.fedstats.coordinator.analysis.table;

import org.fedstats.common.Contract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fedstats.common.Text;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.Counts;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;
import org.fedstats.proto.v1.VariableInfo;

/**
 * A one- or two-way frequency table: the sites' cells add over the union of their levels. Its site check and pooling
 * are public for analyses whose sites answer with a table (chi-squared).
 */
public final class TableUnit extends CoordinatorAnalysis {

  public TableUnit() {
    super(Analysis.KindCase.TABLE, AnalysisResult.KindCase.TABLE);
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    TableAnalysis asked = requested.getTable();
    return check(asked.getRowVariable(), asked.getColumnVariable(), declared, site.getTable());
  }

  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    return AnalysisResult.newBuilder().setTable(pool(sites.stream().map(AnalysisResult::getTable).toList())).build();
  }

  /**
   * What is wrong with a site's table of {@code rowVariable} by {@code columnVariable} (empty: one-way), if anything:
   * other variables, levels the node does not declare or listed twice, cells for unlisted levels or twice, negative
   * counts.
   */
  public static Optional<String> check(String rowVariable, String columnVariable, Optional<DatasetInfo> declared,
      TableResult t) {
    if (!t.getRowVariable().equals(rowVariable) || !t.getColumnVariable().equals(columnVariable)) {
      return Optional.of("a table of other variables than requested");
    }
    boolean twoWay = !columnVariable.isEmpty();
    Optional<String> bad = levels("row", t.getRowLevelsList(), variable(declared, t.getRowVariable()));
    if (bad.isEmpty() && twoWay) {
      bad = levels("column", t.getColumnLevelsList(), variable(declared, t.getColumnVariable()));
    } else if (bad.isEmpty() && t.getColumnLevelsCount() > 0) {
      bad = Optional.of("column levels in a one-way table");
    }
    if (bad.isPresent()) {
      return bad;
    }
    Set<String> rows = new HashSet<>(t.getRowLevelsList());
    Set<String> columns = twoWay ? new HashSet<>(t.getColumnLevelsList()) : Set.of("");
    Set<List<String>> seen = new HashSet<>();
    for (TableCell c : t.getCellsList()) {
      if (!rows.contains(c.getRow()) || !columns.contains(c.getColumn())) {
        return Optional.of("a table cell for a level not listed in the table ('" + Text.echo(c.getRow()) + "', '"
            + Text.echo(c.getColumn()) + "')");
      }
      if (!seen.add(List.of(c.getRow(), c.getColumn()))) {
        return Optional.of("a table with the same cell twice ('" + Text.echo(c.getRow()) + "', '"
            + Text.echo(c.getColumn()) + "')");
      }
      if (c.getCount() < 0) {
        return Optional.of("a table with a negative count");
      }
    }
    return Optional.empty();
  }

  private static Optional<VariableInfo> variable(Optional<DatasetInfo> declared, String name) {
    return declared.flatMap(d -> d.getVariablesList().stream().filter(v -> v.getName().equals(name)).findFirst());
  }

  private static Optional<String> levels(String axis, List<String> levels, Optional<VariableInfo> variable) {
    if (new HashSet<>(levels).size() != levels.size()) {
      return Optional.of("a table listing a " + axis + " level twice");
    }
    if (variable.isEmpty()) {
      return Optional.empty();
    }
    VariableInfo v = variable.get();
    for (String level : levels) {
      if (level.equals(Contract.MISSING_LEVEL) || fits(v, level)) {
        continue;
      }
      return Optional.of("a table with " + axis + " level '" + Text.echo(level) + "', which is not a level of "
          + v.getName() + " as the node declares it");
    }
    return Optional.empty();
  }

  private static boolean fits(VariableInfo v, String level) {
    return switch (v.getType()) {
      case CATEGORICAL -> v.getLevelsList().contains(level);
      case BOOLEAN -> level.equals("true") || level.equals("false");
      case INTEGER -> level.matches("-?\\d{1,19}");
      default -> false;
    };
  }

  /** The pooled table of the sites' tables of the same variables, over the union of their levels. */
  public static TableResult pool(List<TableResult> sites) {
    TableResult first = sites.getFirst();
    for (TableResult t : sites) {
      if (!t.getRowVariable().equals(first.getRowVariable())
          || !t.getColumnVariable().equals(first.getColumnVariable())) {
        throw new IllegalArgumentException("sites tabulated different variables");
      }
    }
    List<String> rows = mergeLevels(sites.stream().map(TableResult::getRowLevelsList).toList());
    List<String> cols = mergeLevels(sites.stream().map(TableResult::getColumnLevelsList).toList());
    Map<List<String>, Long> counts = new LinkedHashMap<>();
    for (TableResult t : sites) {
      for (TableCell c : t.getCellsList()) {
        counts.merge(List.of(c.getRow(), c.getColumn()), c.getCount(), Counts::add);
      }
    }
    TableResult.Builder b = TableResult.newBuilder().setRowVariable(first.getRowVariable())
        .setColumnVariable(first.getColumnVariable()).addAllRowLevels(rows).addAllColumnLevels(cols);
    for (String r : rows) {
      for (String c : cols.isEmpty() ? List.of("") : cols) {
        b.addCells(TableCell.newBuilder().setRow(r).setColumn(c).setCount(counts.getOrDefault(List.of(r, c), 0L)));
      }
    }
    return b.build();
  }

  /**
   * The union of the sites' levels. Sites list declared levels in the same order, or observed integer levels in
   * numeric order; the union keeps that order, with the missing level last.
   */
  static List<String> mergeLevels(List<? extends List<String>> siteLevels) {
    LinkedHashSet<String> union = new LinkedHashSet<>();
    siteLevels.forEach(union::addAll);
    boolean missing = union.remove(Contract.MISSING_LEVEL);
    List<String> levels = new ArrayList<>(union);
    if (levels.stream().allMatch(TableUnit::isInteger)) {
      levels.sort(Comparator.comparingLong(Long::parseLong));
    }
    if (missing) {
      levels.add(Contract.MISSING_LEVEL);
    }
    return levels;
  }

  private static boolean isInteger(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
