package org.fedstats.client.analysis;

import java.util.Objects;
import org.fedstats.proto.v1.Analysis;

/**
 * One analysis's client side as the registry lists it.
 *
 * @param name the name the CLI's subcommand and the nodes' list of allowed analyses use ("count")
 * @param kind the {@link Analysis} field it sets
 * @param view how its results are decoded and rendered
 * @param command its picocli {@code @Command} class, an {@link AnalysisCommand} with a no-argument constructor
 * @param multiRound whether the coordinator runs it in several rounds (then the CLI shows each round's progress)
 */
public record Unit<T>(String name, Analysis.KindCase kind, View<T> view,
    Class<? extends AnalysisCommand> command, boolean multiRound) {
  public Unit {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(command, "command");
  }

  /** {@code analysis}, which must be of this unit's kind, with this unit's view. */
  public AnalysisSpec<T> spec(Analysis analysis) {
    if (analysis.getKindCase() != kind) {
      throw new IllegalArgumentException("a " + analysis.getKindCase() + " analysis is not a " + name);
    }
    return new AnalysisSpec<>(analysis, view);
  }
}
