package org.fedstats.node.analysis;

import java.util.Arrays;
import java.util.Locale;
import org.fedstats.proto.v1.Analysis;

/** The aggregate analyses a node can run; a dataset's configuration allows a subset of them. */
public enum AnalysisKind {
  COUNT, SUMMARY, TABLE, HISTOGRAM;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AnalysisKind parse(String text) {
    return Arrays.stream(values())
        .filter(k -> k.id().equals(text.trim().toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown analysis '" + text
            + "' (expected count, summary, table or histogram)"));
  }

  /** The kind of a requested analysis, or null when the request names none or one this node does not run. */
  public static AnalysisKind of(Analysis analysis) {
    return switch (analysis.getKindCase()) {
      case COUNT -> COUNT;
      case SUMMARY -> SUMMARY;
      case TABLE -> TABLE;
      case HISTOGRAM -> HISTOGRAM;
      default -> null;
    };
  }
}
