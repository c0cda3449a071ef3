package org.fedstats.node.disclosure;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Output-checking profiles a dataset may follow ({@code disclosure: {profile: ...}}): each sets the count
 * thresholds, the model rules and the {@link OutputRules}; keys written next to the profile override its values.
 * <ul>
 *   <li>{@code default}: the node's own thresholds (10 everywhere), no magnitude, level or rounding rule.
 *   <li>{@code sacro}: SACRO/ACRO's defaults: threshold 10, 10 residual degrees of freedom, dominance (2, 90 %) and
 *       p% (10 %) on magnitudes, zeros not disclosive. An output that breaks only dominance or p% waits for the data
 *       steward's review (ACRO's "review" outcome: a person judges whether the dominant contributors are
 *       identifiable) instead of being refused.
 *   <li>{@code opensafely}: counts from 1 to 7 are redacted and the rest rounded to the nearest multiple of 5; cells
 *       are redacted rather than refused, cohorts and summaries still need 10 records. Every output waits for the
 *       data steward's review (OpenSAFELY's output checkers look at every released file).
 *   <li>{@code datashield}: DataSHIELD's nfilter defaults: tab 3 (cells), subset 3 (cohorts, complements,
 *       summaries), glm 0.33 (33 parameters per 100 records), levels at most 40 and at most 0.33 per record.
 * </ul>
 */
public enum Profile {
  DEFAULT("default"),
  SACRO("sacro"),
  OPENSAFELY("opensafely"),
  DATASHIELD("datashield");

  private final String id;

  Profile(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The profile called {@code id}. */
  public static Profile parse(String id) {
    return Arrays.stream(values()).filter(p -> p.id.equals(id.trim().toLowerCase(Locale.ROOT))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown disclosure profile '" + id + "' (one of "
            + String.join(", ", Arrays.stream(values()).map(Profile::id).toList()) + ")"));
  }

  /**
   * {@code base} with this profile's thresholds, output rules and review policy; how overlap is audited and whether site results
   * are shown are not a profile's to set and stay as {@code base} has them.
   */
  public DisclosurePolicy applyTo(DisclosurePolicy base) {
    int t = DisclosurePolicy.DEFAULT_THRESHOLD;
    return switch (this) {
      case DEFAULT -> thresholds(base, t, t, t, t, DisclosurePolicy.DEFAULT_MAX_PARAMETER_PERCENT, t,
          OutputRules.DEFAULT);
      case SACRO -> thresholds(base, t, t, t, t, DisclosurePolicy.DEFAULT_MAX_PARAMETER_PERCENT, t,
          new OutputRules(id, 2, 90, 10, false, 0, 0, 1, 0)).withReview(
              new ReviewPolicy(Set.of(DisclosureRule.DOMINANCE, DisclosureRule.P_RATIO), Set.of(), false));
      // Cells are redacted and rounded, not refused: min-cell-count 1 lets them through to the rounding. The
      // overlap rule, which follows min-cell-count unless set, keeps the default threshold: rounded counts can
      // still be differenced.
      case OPENSAFELY -> {
        DisclosurePolicy p = thresholds(base, t, t, 1, t, DisclosurePolicy.DEFAULT_MAX_PARAMETER_PERCENT, t,
            new OutputRules(id, 0, 0, 0, false, 0, 0, 5, 7));
        yield new DisclosurePolicy(p.minCohortSize(), p.minComplementSize(), p.minCellCount(), p.minSummaryN(),
            p.maxParameterPercent(), p.minResidualDf(), p.maxAbsCoefficient(),
            base.overlapMinDifference() != null ? base.overlapMinDifference() : t, p.overlapAudit(),
            p.siteResults(), p.rules(), base.overlapCombinations(), new ReviewPolicy(Set.of(), Set.of(), true));
      }
      case DATASHIELD -> thresholds(base, 3, 3, 3, 3, 33, t,
          new OutputRules(id, 0, 0, 0, false, 40, 0.33, 1, 0));
    };
  }

  private static DisclosurePolicy thresholds(DisclosurePolicy base, int cohort, int complement, int cell,
      int summary, int parameterPercent, int residualDf, OutputRules rules) {
    return new DisclosurePolicy(cohort, complement, cell, summary, parameterPercent, residualDf,
        base.maxAbsCoefficient(), base.overlapMinDifference(), base.overlapAudit(), base.siteResults(), rules,
        base.overlapCombinations(), ReviewPolicy.NONE);
  }

  /**
   * {@code rules} with the output-rule keys that {@code o} sets replaced. {@code rounding: midpoint-6} rounds counts
   * to the midpoint of their bin of 6 with no redaction; {@code rounding: nearest} rounds to the nearest multiple of
   * {@code round-to} after redacting (the profile's own way).
   */
  static OutputRules withKeys(OutputRules rules, DisclosurePolicy.Overrides o) {
    if (o.rounding() != null) {
      boolean midpoint = switch (o.rounding().trim().toLowerCase(java.util.Locale.ROOT)) {
        case "midpoint-6" -> true;
        case "nearest" -> false;
        default -> throw new IllegalArgumentException("unknown rounding '" + o.rounding()
            + "' (one of nearest, midpoint-6)");
      };
      if (midpoint) {
        if (o.roundTo() != null && o.roundTo() != OutputRules.MIDPOINT_BIN || o.redactAtOrBelow() != null
            && o.redactAtOrBelow() != 0) {
          throw new IllegalArgumentException("rounding: midpoint-6 rounds in bins of 6 and redacts nothing; leave "
              + "round-to and redact-at-or-below out");
        }
        rules = new OutputRules(rules.profile(), rules.dominanceN(), rules.dominancePercent(), rules.pRatioPercent(),
            rules.zerosDisclosive(), rules.maxLevels(), rules.maxLevelDensity(), OutputRules.MIDPOINT_BIN, 0, true);
      } else if (rules.midpoint()) {
        rules = new OutputRules(rules.profile(), rules.dominanceN(), rules.dominancePercent(), rules.pRatioPercent(),
            rules.zerosDisclosive(), rules.maxLevels(), rules.maxLevelDensity(), 1, 0, false);
      }
    }
    return new OutputRules(rules.profile(),
        o.dominanceN() != null ? o.dominanceN() : rules.dominanceN(),
        o.dominanceK() != null ? o.dominanceK() : rules.dominancePercent(),
        o.pRatio() != null ? o.pRatio() : rules.pRatioPercent(),
        o.zerosDisclosive() != null ? o.zerosDisclosive() : rules.zerosDisclosive(),
        o.maxLevels() != null ? o.maxLevels() : rules.maxLevels(),
        o.maxLevelDensity() != null ? o.maxLevelDensity() : rules.maxLevelDensity(),
        o.roundTo() != null ? o.roundTo() : rules.roundTo(),
        o.redactAtOrBelow() != null ? o.redactAtOrBelow() : rules.redactAtOrBelow(),
        rules.midpoint());
  }
}
