package org.fedstats.coordinator.pooling;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fedstats.common.Text;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;
import org.fedstats.proto.v1.VariableInfo;

/**
 * Checks that a site's result has the shape the request asked for before it is pooled: the kind of result
 * requested, no negative counts, finite moments, the requested breaks and one count per bin, only levels the node
 * declared and one cell per pair of levels. A node that is broken or hostile must not be able to bend a pooled value
 * or crash the pooling.
 */
public final class SiteResultCheck {
  private SiteResultCheck() {}

  /**
   * What is wrong with {@code result} as an answer to {@code requested}, if anything. {@code declared} is the
   * dataset as the node declares it, when known: it gives the levels a table may have.
   */
  public static Optional<String> problem(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult result) {
    if (result.getKindCase().getNumber() != requested.getKindCase().getNumber()) {
      String sent = kind(result);
      return Optional.of((sent.equals("empty") ? "an " : "a ") + sent + " result was sent for a "
          + requested.getKindCase().name().toLowerCase(java.util.Locale.ROOT) + " request");
    }
    return switch (result.getKindCase()) {
      case COUNT -> result.getCount().getCount() < 0 ? Optional.of("a negative count") : Optional.empty();
      case SUMMARY -> summary(result.getSummary());
      case TABLE -> table(requested.getTable(), declared, result.getTable());
      case HISTOGRAM -> histogram(requested.getHistogram(), result.getHistogram());
      case KIND_NOT_SET -> Optional.of("an empty result");
      default -> Optional.of("a result of a kind this coordinator does not pool");
    };
  }

  private static String kind(AnalysisResult result) {
    return result.getKindCase() == AnalysisResult.KindCase.KIND_NOT_SET ? "empty"
        : result.getKindCase().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static Optional<String> summary(SummaryResult s) {
    if (s.getN() < 0 || s.getMissing() < 0) {
      return Optional.of("a summary with a negative n or missing count");
    }
    if (s.getN() > 0 && (!Double.isFinite(s.getMean()) || !Double.isFinite(s.getM2()) || s.getM2() < 0)) {
      return Optional.of("a summary whose mean or sum of squares is not a finite number (or is negative)");
    }
    return Optional.empty();
  }

  private static Optional<String> histogram(HistogramAnalysis requested, HistogramResult h) {
    if (!h.getBreaksList().equals(requested.getBreaksList())) {
      return Optional.of("a histogram with other breaks than requested");
    }
    if (h.getCountsCount() != Math.max(0, h.getBreaksCount() - 1)) {
      return Optional.of("a histogram with " + h.getCountsCount() + " bins for " + h.getBreaksCount() + " breaks");
    }
    if (h.getCountsList().stream().anyMatch(c -> c < 0) || h.getBelow() < 0 || h.getAbove() < 0
        || h.getMissing() < 0) {
      return Optional.of("a histogram with a negative count");
    }
    return Optional.empty();
  }

  private static Optional<String> table(TableAnalysis requested, Optional<DatasetInfo> declared, TableResult t) {
    if (!t.getRowVariable().equals(requested.getRowVariable())
        || !t.getColumnVariable().equals(requested.getColumnVariable())) {
      return Optional.of("a table of other variables than requested");
    }
    boolean twoWay = !requested.getColumnVariable().isEmpty();
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
      if (level.equals(Pooling.MISSING_LEVEL) || fits(v, level)) {
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
}
