package org.fedstats.client.analysis.histogram;

import static org.fedstats.client.analysis.Render.number;

import java.util.ArrayList;
import java.util.List;
import org.fedstats.client.analysis.AnalysisSpec;
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
  public List<String> csvColumns() {
    return List.of("bin_low", "bin_high", "count");
  }

  /** The values below the first break, each bin, those above the last break, and the missing ones (NA, NA). */
  @Override
  public List<List<String>> csvRows(Histogram h) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("-Inf", number(h.breaks().getFirst()), Long.toString(h.below())));
    for (int i = 0; i < h.counts().size(); i++) {
      rows.add(List.of(number(h.breaks().get(i)), number(h.breaks().get(i + 1)), Long.toString(h.counts().get(i))));
    }
    rows.add(List.of(number(h.breaks().getLast()), "Inf", Long.toString(h.above())));
    rows.add(List.of("NA", "NA", Long.toString(h.missing())));
    return rows;
  }
}
