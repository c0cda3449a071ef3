package org.fedstats.client.analysis.histogram;

import static org.fedstats.client.analysis.Render.number;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.HistogramResult;

/** Histograms: the request and how the bins are read and shown. */
public final class HistogramUnit implements View<Histogram> {
  public static final Unit<Histogram> UNIT = new Unit<>("histogram", Analysis.KindCase.HISTOGRAM,
      new HistogramUnit(), HistogramCommand.class, false);

  private HistogramUnit() {}

  public static AnalysisSpec<Histogram> spec(String variable, List<Double> breaks) {
    return UNIT.spec(Analysis.newBuilder().setHistogram(HistogramAnalysis.newBuilder().setVariable(variable)
        .addAllBreaks(breaks)).build());
  }

  @Override
  public Histogram decode(AnalysisResult result) {
    if (!result.hasHistogram()) {
      throw View.unexpected(result, "histogram");
    }
    HistogramResult h = result.getHistogram();
    return new Histogram(h.getBreaksList(), h.getCountsList(), h.getBelow(), h.getAbove(), h.getMissing());
  }

  @Override
  public String brief(Histogram h) {
    return "histogram of " + (h.counts().stream().mapToLong(Long::longValue).sum() + h.below() + h.above())
        + " values";
  }

  /** A line a bin with a bar scaled to the largest count, then the values below, above and missing. */
  @Override
  public List<String> detail(Histogram h) {
    List<String> lines = new ArrayList<>();
    long max = h.counts().stream().mapToLong(Long::longValue).max().orElse(1);
    for (int i = 0; i < h.counts().size(); i++) {
      boolean last = i == h.counts().size() - 1;
      String bin = "[" + number(h.breaks().get(i)) + ", " + number(h.breaks().get(i + 1)) + (last ? "]" : ")");
      long c = h.counts().get(i);
      lines.add(String.format("%-14s %6d %s", bin, c, "#".repeat((int) Math.round(40.0 * c / Math.max(1, max)))));
    }
    lines.add(String.format("below %d, above %d, missing %d", h.below(), h.above(), h.missing()));
    return lines;
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.float64("bin_low"), Column.float64("bin_high"), Column.int64("count"));
  }

  /**
   * The values below the first break (from -Infinity), each bin, those above the last break (to Infinity), and the
   * missing ones (no bounds).
   */
  @Override
  public List<List<Object>> rows(Histogram h) {
    List<List<Object>> rows = new ArrayList<>();
    rows.add(List.of(Double.NEGATIVE_INFINITY, h.breaks().getFirst(), h.below()));
    for (int i = 0; i < h.counts().size(); i++) {
      rows.add(List.of(h.breaks().get(i), h.breaks().get(i + 1), h.counts().get(i)));
    }
    rows.add(List.of(h.breaks().getLast(), Double.POSITIVE_INFINITY, h.above()));
    rows.add(Arrays.asList(null, null, h.missing()));
    return rows;
  }

  /** Bounds as R writes them: six significant digits, "-Inf", "Inf", and "NA" for the missing values' bin. */
  @Override
  public String csvField(Object value) {
    return switch (value) {
      case null -> "NA";
      case Double d when d.isInfinite() -> d > 0 ? "Inf" : "-Inf";
      case Double d -> number(d);
      default -> value.toString();
    };
  }
}
