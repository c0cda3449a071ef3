package org.fedstats.client.analysis;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What every analysis subcommand takes, as a picocli mixin: the dataset (the first argument), the cohort and
 * which sites to pool over. A unit's own arguments start at index 1.
 */
public final class AnalysisOptions {
  @Parameters(index = "0", description = "Dataset name.")
  String dataset;

  @Option(names = {"-w", "--where"}, description = "Cohort filter, e.g. \"age >= 60 and rx in (Lev, Obs)\".")
  String where;

  @Option(names = "--partial", description = "Pool over the sites that answered even if some refused or failed.")
  boolean partial;

  @Option(names = "--nodes", split = ",", description = "Ask only these nodes (comma-separated ids).")
  List<String> nodes = new ArrayList<>();

  public String dataset() {
    return dataset;
  }

  /** The cohort filter expression, or null for every record. */
  public String where() {
    return where;
  }

  public boolean partial() {
    return partial;
  }

  /** The nodes to ask; empty for every node holding the dataset. */
  public List<String> nodes() {
    return List.copyOf(nodes);
  }
}
