package org.fedstats.node.testing;

import java.util.List;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FilterList;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.Value;

/** Short builders of the filters and analyses that tests send a node. */
public final class Requests {
  private Requests() {}

  public static Filter cmp(String variable, ComparisonOperator op, double value) {
    return Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable(variable).setOp(op)
        .setValue(Value.newBuilder().setNumber(value))).build();
  }

  public static Filter and(Filter... filters) {
    return Filter.newBuilder().setAnd(FilterList.newBuilder().addAllFilters(List.of(filters))).build();
  }

  public static Filter or(Filter... filters) {
    return Filter.newBuilder().setOr(FilterList.newBuilder().addAllFilters(List.of(filters))).build();
  }

  public static Filter not(Filter filter) {
    return Filter.newBuilder().setNot(filter).build();
  }

  public static Analysis summary(String variable) {
    return Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable(variable)).build();
  }

  public static Analysis histogram(String variable, Double... breaks) {
    return Analysis.newBuilder().setHistogram(HistogramAnalysis.newBuilder().setVariable(variable)
        .addAllBreaks(List.of(breaks))).build();
  }

  public static Analysis table(String row, String column) {
    return Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable(row).setColumnVariable(column))
        .build();
  }
}
