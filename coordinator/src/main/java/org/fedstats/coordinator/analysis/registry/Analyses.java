package org.fedstats.coordinator.analysis.registry;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.chisq.ChiSquaredUnit;
import org.fedstats.coordinator.analysis.correlation.CorrelationUnit;
import org.fedstats.coordinator.analysis.count.CountUnit;
import org.fedstats.coordinator.analysis.glm.GlmUnit;
import org.fedstats.coordinator.analysis.histogram.HistogramUnit;
import org.fedstats.coordinator.analysis.lm.LinearModelUnit;
import org.fedstats.coordinator.analysis.meta.MetaAnalysisUnit;
import org.fedstats.coordinator.analysis.summary.SummaryUnit;
import org.fedstats.coordinator.analysis.table.TableUnit;
import org.fedstats.proto.v1.Analysis;

/**
 * The analyses a coordinator runs, one unit per kind. It lives apart from the units' interface so that the units
 * depend on the interface and this list on the units, without a cycle.
 */
public final class Analyses {
  private static final Analyses BUILT_IN = new Analyses(List.of(
      new CountUnit(),
      new SummaryUnit(),
      new TableUnit(),
      new HistogramUnit(),
      new GlmUnit(),
      new LinearModelUnit(),
      new ChiSquaredUnit(),
      new CorrelationUnit(),
      new MetaAnalysisUnit()));

  private final Map<Analysis.KindCase, CoordinatorAnalysis> units = new EnumMap<>(Analysis.KindCase.class);

  private Analyses(List<CoordinatorAnalysis> units) {
    for (CoordinatorAnalysis unit : units) {
      if (this.units.put(unit.kind(), unit) != null) {
        throw new IllegalArgumentException("two units for " + unit.kind());
      }
    }
  }

  /** The analyses this coordinator ships with. */
  public static Analyses builtIn() {
    return BUILT_IN;
  }

  /** These analyses and {@code unit}, which replaces the unit of its kind if there is one. */
  public Analyses with(CoordinatorAnalysis unit) {
    List<CoordinatorAnalysis> all = new ArrayList<>(units.values());
    all.removeIf(u -> u.kind() == unit.kind());
    all.add(unit);
    return new Analyses(all);
  }

  /** These analyses without the unit of {@code kind}, if there is one. */
  public Analyses without(Analysis.KindCase kind) {
    List<CoordinatorAnalysis> all = new ArrayList<>(units.values());
    all.removeIf(u -> u.kind() == kind);
    return new Analyses(all);
  }

  /** The unit that runs {@code kind}, if this coordinator runs it. */
  public Optional<CoordinatorAnalysis> of(Analysis.KindCase kind) {
    return Optional.ofNullable(units.get(kind));
  }

  /** The names of the analyses run, as in requests ("count, summary, ..."). */
  public String names() {
    return units.keySet().stream().map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
  }
}
