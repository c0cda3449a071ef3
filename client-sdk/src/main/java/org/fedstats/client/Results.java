package org.fedstats.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;

/** Typed results of the federation's analyses. */
public final class Results {
  private Results() {}

  /** Number of records in the cohort. */
  public record Count(long count) {
    public Count {
      if (count < 0) {
        throw new IllegalArgumentException("count must not be negative");
      }
    }
  }

  /** n non-missing values, their mean and sample variance (n - 1 denominator), and the missing count. */
  public record Summary(long n, long missing, double mean, double variance) {
    public Summary {
      if (n < 0 || missing < 0) {
        throw new IllegalArgumentException("counts must not be negative");
      }
    }

    public double sd() {
      return Math.sqrt(variance);
    }
  }

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
      long t = 0;
      for (long[] r : counts) {
        for (long c : r) {
          t += c;
        }
      }
      return t;
    }
  }

  /** Counts in bins [breaks[i], breaks[i+1]) (the last closed), plus values below, above and missing. */
  public record Histogram(List<Double> breaks, List<Long> counts, long below, long above, long missing) {
    public Histogram {
      breaks = List.copyOf(breaks);
      counts = List.copyOf(counts);
      if (counts.size() != breaks.size() - 1) {
        throw new IllegalArgumentException("one count per bin");
      }
    }
  }

  /** A refusal by a node's disclosure control: rule, threshold, reason. */
  public record Refusal(String rule, long threshold, String reason) {}

  /** What one site did with the request. */
  public record Site<T>(String nodeId, SiteOutcome.Status status, Optional<T> result, Optional<Refusal> refusal,
      String errorCode, String error, double latencyMs) {
    public Site {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(status, "status");
    }
  }

  /** Per-site outcomes and the pooled value (absent, with a note saying why, when it could not be pooled). */
  public record Result<T>(String requestId, List<Site<T>> sites, Optional<T> pooled, String note,
      List<String> pooledOver, AnalysisResponse response) {
    public Result {
      sites = List.copyOf(sites);
      pooledOver = List.copyOf(pooledOver);
    }

    public boolean complete() {
      return sites.stream().allMatch(s -> s.status() == SiteOutcome.Status.ANSWERED);
    }

    public T pooledOrThrow() {
      return pooled.orElseThrow(() -> new IllegalStateException(note));
    }
  }

  static Result<?> of(AnalysisResponse response) {
    List<Site<Object>> sites = new ArrayList<>();
    for (SiteOutcome s : response.getSitesList()) {
      Optional<Object> result = s.getStatus() == SiteOutcome.Status.ANSWERED
          ? Optional.of(convert(s.getResult())) : Optional.empty();
      Optional<Refusal> refusal = s.getStatus() == SiteOutcome.Status.REFUSED
          ? Optional.of(new Refusal(s.getRefusal().getRule(), s.getRefusal().getThreshold(),
              s.getRefusal().getReason()))
          : Optional.empty();
      sites.add(new Site<>(s.getNodeId(), s.getStatus(), result, refusal, s.getErrorCode(), s.getError(),
          s.getLatencyMs()));
    }
    Optional<Object> pooled = response.getPooledAvailable()
        ? Optional.of(convert(response.getPooled())) : Optional.empty();
    return new Result<>(response.getRequestId(), sites, pooled, response.getPooledNote(),
        response.getPooledNodeIdsList(), response);
  }

  static Object convert(AnalysisResult r) {
    return switch (r.getKindCase()) {
      case COUNT -> new Count(r.getCount().getCount());
      case SUMMARY -> summary(r.getSummary());
      case TABLE -> table(r.getTable());
      case HISTOGRAM -> histogram(r.getHistogram());
      case KIND_NOT_SET -> throw new IllegalArgumentException("empty result");
      default -> throw new IllegalArgumentException("a result of kind " + r.getKindCase() + " is not shown here");
    };
  }

  private static Summary summary(SummaryResult s) {
    return new Summary(s.getN(), s.getMissing(), s.getMean(), s.getVariance());
  }

  private static Table table(TableResult t) {
    List<String> cols = t.getColumnLevelsCount() == 0 ? List.of("") : t.getColumnLevelsList();
    long[][] counts = new long[t.getRowLevelsCount()][cols.size()];
    for (TableCell c : t.getCellsList()) {
      int r = t.getRowLevelsList().indexOf(c.getRow());
      int k = cols.indexOf(c.getColumn());
      if (r >= 0 && k >= 0) {
        counts[r][k] = c.getCount();
      }
    }
    return new Table(t.getRowVariable(), t.getColumnVariable(), t.getRowLevelsList(), cols, counts);
  }

  private static Histogram histogram(HistogramResult h) {
    return new Histogram(h.getBreaksList(), h.getCountsList(), h.getBelow(), h.getAbove(), h.getMissing());
  }
}
