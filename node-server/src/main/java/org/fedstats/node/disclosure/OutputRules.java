package org.fedstats.node.disclosure;

import java.util.Objects;

/**
 * The output rules a disclosure profile adds to the count thresholds: rules on magnitudes (dominance and p%), on
 * the levels of categorical variables, on zeros, and rounding of released counts. Every rule is off (0, or 1 for
 * {@code roundTo}) in the default profile.
 *
 * <p>A <em>structural</em> zero is a cell that is zero by definition, because no record can fall in it (pregnant
 * men, a diagnosis before birth); a <em>sampling</em> zero is one that happens to be empty in this cohort. A zero
 * next to non-zero cells tells that no one in the cohort has that combination, which is disclosive only when the
 * zero is a sampling zero and the group it describes is identifiable (everyone in a small group lacks a condition).
 * By default ({@code zerosDisclosive} false, as in SACRO) zeros are released as they are; with true, a table,
 * histogram or model level count with a zero among non-zero counts is refused (rule {@code zeros-disclosive}), for
 * datasets whose owners judge their sampling zeros disclosive and that declare no structural ones.
 *
 * @param profile the profile these rules came from, named in refusals
 * @param dominanceN the n of the (n, k) dominance rule (how many largest contributors), 0 when off
 * @param dominancePercent the k of the (n, k) dominance rule: the n largest must make up less than k % of the total
 * @param pRatioPercent the p of the p% rule: the total less the two largest must be at least p % of the largest; 0
 *     when off
 * @param zerosDisclosive whether zeros that reveal the whole cohort's value refuse a table or histogram
 * @param maxLevels the most levels a categorical variable in a table or model may have, 0 when off
 * @param maxLevelDensity the most levels per record a categorical variable in a table or model may have, 0 when off
 * @param roundTo released counts are rounded to the nearest multiple of this (1: not rounded)
 * @param redactAtOrBelow released counts from 1 to this are redacted (shown as 0 and flagged), 0 when off
 * @param midpoint counts are rounded to the midpoint of their bin of {@code roundTo} instead of the nearest
 *     multiple: 0 stays 0 and x &gt; 0 becomes {@code ceil(x / roundTo) * roundTo - floor(roundTo / 2)} (OpenSAFELY's
 *     "midpoint 6" with roundTo 6: 1-6 → 3, 7-12 → 9, 13-18 → 15), unbiased, zero kept apart from non-zero, and no
 *     count redacted (1 to 6 all read 3), which is what a rate's numerator and denominator need
 */
public record OutputRules(String profile, int dominanceN, double dominancePercent, double pRatioPercent,
    boolean zerosDisclosive, int maxLevels, double maxLevelDensity, int roundTo, int redactAtOrBelow,
    boolean midpoint) {
  public static final OutputRules DEFAULT = new OutputRules("default", 0, 0, 0, false, 0, 0, 1, 0);
  /** OpenSAFELY's midpoint rounding works in bins of 6. */
  public static final int MIDPOINT_BIN = 6;

  /** Rules that round to the nearest multiple of {@code roundTo} (no midpoint rounding). */
  public OutputRules(String profile, int dominanceN, double dominancePercent, double pRatioPercent,
      boolean zerosDisclosive, int maxLevels, double maxLevelDensity, int roundTo, int redactAtOrBelow) {
    this(profile, dominanceN, dominancePercent, pRatioPercent, zerosDisclosive, maxLevels, maxLevelDensity, roundTo,
        redactAtOrBelow, false);
  }

  public OutputRules {
    Objects.requireNonNull(profile, "profile");
    nonNegative("dominance-n", dominanceN);
    if (dominanceN > 2) {
      throw new IllegalArgumentException("dominance-n must be 0 (off), 1 or 2, not " + dominanceN);
    }
    percent("dominance-k", dominancePercent);
    if (dominanceN > 0 && !(dominancePercent > 0)) {
      throw new IllegalArgumentException("dominance-k must be above 0 when dominance-n is set");
    }
    percent("p-ratio", pRatioPercent);
    nonNegative("max-levels", maxLevels);
    if (!(maxLevelDensity >= 0 && maxLevelDensity <= 1)) {
      throw new IllegalArgumentException("max-level-density must be 0 (off) to 1, not " + maxLevelDensity);
    }
    if (roundTo < 1) {
      throw new IllegalArgumentException("round-to must be at least 1, not " + roundTo);
    }
    nonNegative("redact-at-or-below", redactAtOrBelow);
    if (midpoint && (roundTo < 2 || redactAtOrBelow != 0)) {
      throw new IllegalArgumentException("midpoint rounding needs round-to of at least 2 and no redaction "
          + "(redact-at-or-below 0): the midpoint of 1 to round-to already hides those counts");
    }
  }

  private static void nonNegative(String key, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(key + " must be at least 0, not " + value);
    }
  }

  private static void percent(String key, double value) {
    if (!(value >= 0 && value <= 100)) {
      throw new IllegalArgumentException(key + " must be a percentage from 0 to 100, not " + value);
    }
  }

  /** Whether released counts are changed before they leave the node. */
  public boolean transformsCounts() {
    return roundTo > 1 || redactAtOrBelow > 0;
  }
}
