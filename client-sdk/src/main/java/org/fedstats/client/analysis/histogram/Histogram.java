package org.fedstats.client.analysis.histogram;

import java.util.List;

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
