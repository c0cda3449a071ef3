package org.fedstats.node.disclosure;

import java.util.Objects;

/**
 * Thresholds of statistical disclosure control for one dataset. Defaults follow common practice for aggregate
 * outputs: cohorts, their complements, summaries and every non-zero table cell must count at least 10 records.
 * Models may have at most 33 parameters per 100 records at a site (DataSHIELD's nfilter.glm) and at least 10
 * residual degrees of freedom (ACRO's rule), and the coefficients a round is sent are bounded. Every set of records
 * a release counts must differ from each set released before on the same data by none or at least
 * {@code overlap-min-difference} records (the dataset's {@code min-cell-count} unless set): two releases that differ
 * by a few records let their difference tell those records apart. A dataset's site-level results are shown to
 * researchers unless it says they are for pooling only ({@link SiteResults}).
 *
 * @param overlapMinDifference the fewest records by which a released set may differ from an earlier one; null to
 *     follow {@code minCellCount}
 * @param overlapAudit whether released record sets are audited for overlap; off only by an explicit, unsafe choice
 * @param rules the output rules of the dataset's {@link Profile} (magnitudes, levels, zeros, rounding)
 * @param overlapCombinations how many recently released distinct sets the overlap rule's combination check holds
 *     and checks each release against (a linear combination of them and the new release must not single out 1 to
 *     k − 1 records); 0 turns that check off, leaving the pairwise one
 * @param review which outputs wait for the data steward's review instead of being refused or released
 */
public record DisclosurePolicy(int minCohortSize, int minComplementSize, int minCellCount, int minSummaryN,
    int maxParameterPercent, int minResidualDf, double maxAbsCoefficient, Integer overlapMinDifference,
    boolean overlapAudit, SiteResults siteResults, OutputRules rules, int overlapCombinations, ReviewPolicy review) {
  public static final int DEFAULT_THRESHOLD = 10;
  /**
   * How many of the most recently released distinct record sets the combination check of the overlap rule holds
   * (in memory) and checks each release against, with the whole table: {@code overlap-combinations}.
   */
  public static final int DEFAULT_OVERLAP_COMBINATIONS = 64;
  public static final int DEFAULT_MAX_PARAMETER_PERCENT = 33;
  public static final double DEFAULT_MAX_ABS_COEFFICIENT = 1e6;
  public static final DisclosurePolicy DEFAULT =
      new DisclosurePolicy(DEFAULT_THRESHOLD, DEFAULT_THRESHOLD, DEFAULT_THRESHOLD, DEFAULT_THRESHOLD);

  /** The four count thresholds, with the model rules at their defaults. */
  public DisclosurePolicy(int minCohortSize, int minComplementSize, int minCellCount, int minSummaryN) {
    this(minCohortSize, minComplementSize, minCellCount, minSummaryN, DEFAULT_MAX_PARAMETER_PERCENT,
        DEFAULT_THRESHOLD, DEFAULT_MAX_ABS_COEFFICIENT, null, true, SiteResults.SHOWN);
  }

  /** Thresholds and model rules, with the default profile's output rules. */
  public DisclosurePolicy(int minCohortSize, int minComplementSize, int minCellCount, int minSummaryN,
      int maxParameterPercent, int minResidualDf, double maxAbsCoefficient, Integer overlapMinDifference,
      boolean overlapAudit, SiteResults siteResults) {
    this(minCohortSize, minComplementSize, minCellCount, minSummaryN, maxParameterPercent, minResidualDf,
        maxAbsCoefficient, overlapMinDifference, overlapAudit, siteResults, OutputRules.DEFAULT);
  }

  /** Thresholds, model rules and output rules, with the combination check at its default and nothing reviewed. */
  public DisclosurePolicy(int minCohortSize, int minComplementSize, int minCellCount, int minSummaryN,
      int maxParameterPercent, int minResidualDf, double maxAbsCoefficient, Integer overlapMinDifference,
      boolean overlapAudit, SiteResults siteResults, OutputRules rules) {
    this(minCohortSize, minComplementSize, minCellCount, minSummaryN, maxParameterPercent, minResidualDf,
        maxAbsCoefficient, overlapMinDifference, overlapAudit, siteResults, rules, DEFAULT_OVERLAP_COMBINATIONS,
        ReviewPolicy.NONE);
  }

  /** This policy with {@code other} deciding what waits for review. */
  public DisclosurePolicy withReview(ReviewPolicy other) {
    return new DisclosurePolicy(minCohortSize, minComplementSize, minCellCount, minSummaryN, maxParameterPercent,
        minResidualDf, maxAbsCoefficient, overlapMinDifference, overlapAudit, siteResults, rules, overlapCombinations,
        other);
  }

  /**
   * The fewest records by which a released set may differ from an earlier one of the same data: sets differing by
   * 1 to this minus one records are refused.
   */
  public int minDifference() {
    return overlapMinDifference != null ? overlapMinDifference : minCellCount;
  }

  public DisclosurePolicy {
    Objects.requireNonNull(siteResults, "site-results");
    Objects.requireNonNull(rules, "output rules");
    Objects.requireNonNull(review, "review");
    if (maxParameterPercent < 1 || maxParameterPercent > 100) {
      throw new IllegalArgumentException("max-parameter-percent must be 1-100, not " + maxParameterPercent);
    }
    requirePositive("min-residual-df", minResidualDf);
    if (!(maxAbsCoefficient > 0) || Double.isInfinite(maxAbsCoefficient)) {
      throw new IllegalArgumentException("max-abs-coefficient must be a positive number");
    }
    requirePositive("min-cohort-size", minCohortSize);
    requirePositive("min-complement-size", minComplementSize);
    requirePositive("min-cell-count", minCellCount);
    requirePositive("min-summary-n", minSummaryN);
    if (overlapMinDifference != null) {
      requirePositive("overlap-min-difference", overlapMinDifference);
    }
    if (overlapCombinations < 0 || overlapCombinations > MAX_OVERLAP_COMBINATIONS) {
      throw new IllegalArgumentException("overlap-combinations must be 0 (off) to " + MAX_OVERLAP_COMBINATIONS
          + ", not " + overlapCombinations);
    }
  }

  /** The largest {@code overlap-combinations}: the check's exact linear algebra grows with its square. */
  public static final int MAX_OVERLAP_COMBINATIONS = 1024;

  private static void requirePositive(String rule, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(rule + " must be at least 1, not " + value);
    }
  }

  /**
   * This policy with the thresholds that {@code overrides} sets replaced: first those of the profile it names, if
   * any, then each key it sets.
   */
  public DisclosurePolicy with(Overrides overrides) {
    if (overrides == null) {
      return this;
    }
    DisclosurePolicy base = overrides.profile() == null ? this : Profile.parse(overrides.profile()).applyTo(this);
    return base.withKeys(overrides);
  }

  private DisclosurePolicy withKeys(Overrides overrides) {
    return new DisclosurePolicy(
        overrides.minCohortSize() != null ? overrides.minCohortSize() : minCohortSize,
        overrides.minComplementSize() != null ? overrides.minComplementSize() : minComplementSize,
        overrides.minCellCount() != null ? overrides.minCellCount() : minCellCount,
        overrides.minSummaryN() != null ? overrides.minSummaryN() : minSummaryN,
        overrides.maxParameterPercent() != null ? overrides.maxParameterPercent() : maxParameterPercent,
        overrides.minResidualDf() != null ? overrides.minResidualDf() : minResidualDf,
        overrides.maxAbsCoefficient() != null ? overrides.maxAbsCoefficient() : maxAbsCoefficient,
        overrides.overlapMinDifference() != null ? overrides.overlapMinDifference() : overlapMinDifference,
        overrides.overlapAudit() != null ? overrides.overlapAudit() : overlapAudit,
        overrides.siteResults() != null ? SiteResults.parse(overrides.siteResults()) : siteResults,
        Profile.withKeys(rules, overrides),
        overrides.overlapCombinations() != null ? overrides.overlapCombinations() : overlapCombinations,
        overrides.review() != null ? ReviewPolicy.of(overrides.review()) : review);
  }

  /**
   * Thresholds as written in a node's configuration: any may be absent and then inherits. {@code siteResults} is
   * {@code shown} or {@code pooled-only} ({@link SiteResults}); {@code review} replaces the profile's
   * {@link ReviewPolicy} as a whole.
   */
  public record Overrides(Integer minCohortSize, Integer minComplementSize, Integer minCellCount, Integer minSummaryN,
      Integer maxParameterPercent, Integer minResidualDf, Double maxAbsCoefficient, Integer overlapMinDifference,
      Boolean overlapAudit, String siteResults, String profile, Integer dominanceN, Double dominanceK,
      Double pRatio, Boolean zerosDisclosive, Integer maxLevels, Double maxLevelDensity, Integer roundTo,
      Integer redactAtOrBelow, Integer overlapCombinations, String rounding, ReviewPolicy.Config review) {
    /** Every key but {@code overlap-combinations}, {@code rounding} and the review policy. */
    public Overrides(Integer minCohortSize, Integer minComplementSize, Integer minCellCount, Integer minSummaryN,
        Integer maxParameterPercent, Integer minResidualDf, Double maxAbsCoefficient, Integer overlapMinDifference,
        Boolean overlapAudit, String siteResults, String profile, Integer dominanceN, Double dominanceK,
        Double pRatio, Boolean zerosDisclosive, Integer maxLevels, Double maxLevelDensity, Integer roundTo,
        Integer redactAtOrBelow) {
      this(minCohortSize, minComplementSize, minCellCount, minSummaryN, maxParameterPercent, minResidualDf,
          maxAbsCoefficient, overlapMinDifference, overlapAudit, siteResults, profile, dominanceN, dominanceK, pRatio,
          zerosDisclosive, maxLevels, maxLevelDensity, roundTo, redactAtOrBelow, null, null, null);
    }

    /** The four count thresholds only. */
    public Overrides(Integer minCohortSize, Integer minComplementSize, Integer minCellCount, Integer minSummaryN) {
      this(minCohortSize, minComplementSize, minCellCount, minSummaryN, null, null, null, null, null, null);
    }

    /** Thresholds, model and overlap rules, without a profile or output rules. */
    public Overrides(Integer minCohortSize, Integer minComplementSize, Integer minCellCount, Integer minSummaryN,
        Integer maxParameterPercent, Integer minResidualDf, Double maxAbsCoefficient, Integer overlapMinDifference,
        Boolean overlapAudit, String siteResults) {
      this(minCohortSize, minComplementSize, minCellCount, minSummaryN, maxParameterPercent, minResidualDf,
          maxAbsCoefficient, overlapMinDifference, overlapAudit, siteResults, null, null, null, null, null, null,
          null, null, null);
    }

    /** A profile alone. */
    public static Overrides profile(String profile) {
      return new Overrides(null, null, null, null, null, null, null, null, null, null, profile, null, null, null,
          null, null, null, null, null);
    }
  }
}
