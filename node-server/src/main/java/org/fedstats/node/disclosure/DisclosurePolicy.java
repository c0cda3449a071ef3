package org.fedstats.node.disclosure;

/**
 * Thresholds of statistical disclosure control for one dataset. Defaults follow common practice for aggregate
 * outputs: cohorts, their complements, summaries and every non-zero table cell must count at least 10 records.
 */
public record DisclosurePolicy(int minCohortSize, int minComplementSize, int minCellCount, int minSummaryN) {
  public static final int DEFAULT_THRESHOLD = 10;
  public static final DisclosurePolicy DEFAULT =
      new DisclosurePolicy(DEFAULT_THRESHOLD, DEFAULT_THRESHOLD, DEFAULT_THRESHOLD, DEFAULT_THRESHOLD);

  public DisclosurePolicy {
    requirePositive("min-cohort-size", minCohortSize);
    requirePositive("min-complement-size", minComplementSize);
    requirePositive("min-cell-count", minCellCount);
    requirePositive("min-summary-n", minSummaryN);
  }

  private static void requirePositive(String rule, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(rule + " must be at least 1, not " + value);
    }
  }

  /** This policy with the thresholds that {@code overrides} sets replaced. */
  public DisclosurePolicy with(Overrides overrides) {
    if (overrides == null) {
      return this;
    }
    return new DisclosurePolicy(
        overrides.minCohortSize() != null ? overrides.minCohortSize() : minCohortSize,
        overrides.minComplementSize() != null ? overrides.minComplementSize() : minComplementSize,
        overrides.minCellCount() != null ? overrides.minCellCount() : minCellCount,
        overrides.minSummaryN() != null ? overrides.minSummaryN() : minSummaryN);
  }

  /** Thresholds as written in a node's configuration: any may be absent and then inherits. */
  public record Overrides(Integer minCohortSize, Integer minComplementSize, Integer minCellCount, Integer minSummaryN) {}
}
