package org.fedstats.node.analysis.registry;

import org.fedstats.node.analysis.LocalAnalysis;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.fedstats.node.analysis.chisq.ChiSquaredStep;
import org.fedstats.node.analysis.correlation.CorrelationStep;
import org.fedstats.node.analysis.count.CountStep;
import org.fedstats.node.analysis.glm.GlmStep;
import org.fedstats.node.analysis.lm.LinearModelStep;
import org.fedstats.node.analysis.meta.MetaStep;
import org.fedstats.node.analysis.histogram.HistogramStep;
import org.fedstats.node.analysis.summary.SummaryStep;
import org.fedstats.node.analysis.table.TableStep;
import org.fedstats.proto.v1.Analysis;

/** The analyses a node can run: one line per analysis, each in its own package. */
public final class LocalAnalyses {
  private static final List<LocalAnalysis<?>> ALL = List.of(
      new CountStep(),
      new SummaryStep(),
      new TableStep(),
      new HistogramStep(),
      new CorrelationStep(),
      new ChiSquaredStep(),
      new LinearModelStep(),
      new GlmStep(),
      new MetaStep());

  private LocalAnalyses() {}

  public static List<LocalAnalysis<?>> all() {
    return ALL;
  }

  /** The analysis named {@code id} on an allow-list; an IllegalArgumentException listing the known ones if none. */
  public static LocalAnalysis<?> byId(String id) {
    String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    return ALL.stream().filter(a -> a.id().equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown analysis '" + id + "' (expected one of "
            + ALL.stream().map(LocalAnalysis::id).collect(Collectors.joining(", ")) + ")"));
  }

  /** The analysis a request asks for, if this node runs it. */
  public static Optional<LocalAnalysis<?>> of(Analysis request) {
    return ALL.stream().filter(a -> a.kind() == request.getKindCase()).findFirst();
  }
}
