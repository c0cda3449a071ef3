package org.fedstats.node.disclosure;

/** The disclosure rules a node applies; the names appear in refusals, configuration and the audit log. */
public enum DisclosureRule {
  MIN_COHORT_SIZE("min-cohort-size"),
  MIN_COMPLEMENT_SIZE("min-complement-size"),
  MIN_CELL_COUNT("min-cell-count"),
  MIN_SUMMARY_N("min-summary-n"),
  MAX_PARAMETER_PERCENT("max-parameter-percent"),
  MIN_RESIDUAL_DF("min-residual-df"),
  OVERLAP_MIN_DIFFERENCE("overlap-min-difference"),
  DOMINANCE("dominance"),
  P_RATIO("p-ratio"),
  ZEROS_DISCLOSIVE("zeros-disclosive"),
  MAX_LEVELS("max-levels"),
  MAX_LEVEL_DENSITY("max-level-density"),
  PRIVACY_BUDGET("privacy-budget"),
  PRIVACY_BOUNDS("privacy-bounds"),
  NO_DP_RELEASE("no-dp-release"),
  /** The dataset's data steward denied the release of an output that waited for review. */
  REVIEW_DENIED("review-denied"),
  /** An output needs review, which a round of a multi-round analysis cannot wait for (nodes keep no state). */
  REVIEW_REQUIRED("review-required");

  private final String id;

  DisclosureRule(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
