package org.fedstats.client.analysis;

import picocli.CommandLine.Mixin;

/**
 * A unit's CLI subcommand: a picocli {@code @Command} class whose own arguments and options (beyond the shared
 * {@link AnalysisOptions}, mixed in here) say what to ask. The command line connects, runs {@link #spec()} on the
 * dataset and cohort of {@link #options()} and prints the result with the spec's view.
 */
public abstract class AnalysisCommand {
  @Mixin
  private AnalysisOptions options;

  /** The dataset, cohort and pooling options, as parsed. */
  public final AnalysisOptions options() {
    return options;
  }

  /** The first line of the text output, e.g. "summary of colon.age" (the cohort is added after it). */
  public abstract String title();

  /** The analysis the arguments ask for. */
  public abstract AnalysisSpec<?> spec();
}
