package org.fedstats.coordinator.pooling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;

/** Exact pooling of site results: counts and cells add; means and variances combine from (n, mean, M2). */
public final class Pooling {
  /** Matches the node's label for records with no value: always the last level. */
  public static final String MISSING_LEVEL = "<missing>";

  private Pooling() {}

  /** Pools results of one analysis from several sites; all must be of the same kind. */
  public static AnalysisResult pool(List<AnalysisResult> sites) {
    if (sites.isEmpty()) {
      throw new IllegalArgumentException("nothing to pool");
    }
    AnalysisResult.KindCase kind = sites.getFirst().getKindCase();
    for (AnalysisResult r : sites) {
      if (r.getKindCase() != kind) {
        throw new IllegalArgumentException("sites returned different kinds of result: " + kind + " and "
            + r.getKindCase());
      }
    }
    return switch (kind) {
      case COUNT -> AnalysisResult.newBuilder().setCount(CountResult.newBuilder()
          .setCount(sites.stream().mapToLong(r -> r.getCount().getCount()).reduce(0, Pooling::add))).build();
      case SUMMARY -> AnalysisResult.newBuilder()
          .setSummary(summary(sites.stream().map(AnalysisResult::getSummary).toList())).build();
      case TABLE -> AnalysisResult.newBuilder()
          .setTable(table(sites.stream().map(AnalysisResult::getTable).toList())).build();
      case HISTOGRAM -> AnalysisResult.newBuilder()
          .setHistogram(histogram(sites.stream().map(AnalysisResult::getHistogram).toList())).build();
      case KIND_NOT_SET -> throw new IllegalArgumentException("a site returned an empty result");
      default -> throw new IllegalArgumentException("results of kind " + kind + " are not pooled by summing");
    };
  }

  /** Exact sum of two counts; a sum beyond the range of a count is an error, never a wrapped-around value. */
  static long add(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("the pooled count exceeds " + Long.MAX_VALUE);
    }
  }

  public static SummaryResult summary(List<SummaryResult> sites) {
    Moments pooled = Moments.EMPTY;
    long missing = 0;
    for (SummaryResult s : sites) {
      pooled = pooled.combine(new Moments(s.getN(), s.getMean(), s.getM2()));
      missing = add(missing, s.getMissing());
    }
    return SummaryResult.newBuilder().setN(pooled.n()).setMissing(missing).setMean(pooled.mean())
        .setM2(pooled.m2()).setVariance(pooled.variance()).build();
  }

  public static TableResult table(List<TableResult> sites) {
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
        counts.merge(List.of(c.getRow(), c.getColumn()), c.getCount(), Pooling::add);
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
    boolean missing = union.remove(MISSING_LEVEL);
    List<String> levels = new ArrayList<>(union);
    if (levels.stream().allMatch(Pooling::isInteger)) {
      levels.sort(Comparator.comparingLong(Long::parseLong));
    }
    if (missing) {
      levels.add(MISSING_LEVEL);
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

  public static HistogramResult histogram(List<HistogramResult> sites) {
    HistogramResult first = sites.getFirst();
    long[] counts = new long[first.getCountsCount()];
    long below = 0;
    long above = 0;
    long missing = 0;
    for (HistogramResult h : sites) {
      if (!h.getBreaksList().equals(first.getBreaksList())) {
        throw new IllegalArgumentException("sites binned with different breaks");
      }
      if (h.getCountsCount() != counts.length) {
        throw new IllegalArgumentException("sites binned into different numbers of bins");
      }
      for (int i = 0; i < counts.length; i++) {
        counts[i] = add(counts[i], h.getCounts(i));
      }
      below = add(below, h.getBelow());
      above = add(above, h.getAbove());
      missing = add(missing, h.getMissing());
    }
    HistogramResult.Builder b = HistogramResult.newBuilder().addAllBreaks(first.getBreaksList())
        .setBelow(below).setAbove(above).setMissing(missing);
    for (long c : counts) {
      b.addCounts(c);
    }
    return b.build();
  }
}
