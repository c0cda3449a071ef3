package org.fedstats.node.disclosure;

import java.util.Optional;
import java.util.stream.LongStream;

/** The checks of a profile's {@link OutputRules}: dominance and p% on magnitudes, levels, zeros. */
final class Rules {
  private Rules() {}

  /** {@code refusal}, its reason naming the profile when the dataset follows one other than the default. */
  static Refusal named(DisclosurePolicy policy, Refusal refusal) {
    String profile = policy.rules().profile();
    if (profile.equals(Profile.DEFAULT.id())) {
      return refusal;
    }
    return new Refusal(refusal.rule(), refusal.threshold(), refusal.reason() + " (profile " + profile + ")");
  }

  /**
   * The (n, k) dominance rule: the n largest contributions must make up less than k % of the total; and the p%
   * rule: the total less the two largest must be at least p % of the largest, or the second largest contributor
   * could estimate the largest to within p %.
   */
  static Optional<Refusal> checkMagnitude(OutputRules rules, Released.Magnitude m) {
    return checkDominance(rules, m).or(() -> checkPRatio(rules, m));
  }

  static Optional<Refusal> checkDominance(OutputRules rules, Released.Magnitude m) {
    if (rules.dominanceN() > 0 && m.total() > 0) {
      double top = rules.dominanceN() == 1 ? m.largest() : m.largest() + m.second();
      if (top >= rules.dominancePercent() / 100 * m.total()) {
        return Optional.of(new Refusal(DisclosureRule.DOMINANCE, (int) Math.round(rules.dominancePercent()),
            "the " + (rules.dominanceN() == 1 ? "largest contribution makes" : rules.dominanceN()
                + " largest contributions make") + " up " + format(rules.dominancePercent())
                + " % or more of the total"));
      }
    }
    return Optional.empty();
  }

  static Optional<Refusal> checkPRatio(OutputRules rules, Released.Magnitude m) {
    if (rules.pRatioPercent() > 0 && m.largest() > 0
        && m.total() - m.largest() - m.second() < rules.pRatioPercent() / 100 * m.largest()) {
      return Optional.of(new Refusal(DisclosureRule.P_RATIO, (int) Math.round(rules.pRatioPercent()),
          "the total less its two largest contributions is below " + format(rules.pRatioPercent())
              + " % of the largest, which would let a contributor estimate it closely"));
    }
    return Optional.empty();
  }

  /** A categorical variable may have at most {@code max-levels} levels and {@code max-level-density} per record. */
  static Optional<Refusal> checkLevelCount(OutputRules rules, Released.Levels l) {
    if (rules.maxLevels() > 0 && l.levels() > rules.maxLevels()) {
      return Optional.of(new Refusal(DisclosureRule.MAX_LEVELS, rules.maxLevels(),
          "a categorical variable has more than " + rules.maxLevels() + " levels"));
    }
    return Optional.empty();
  }

  static Optional<Refusal> checkLevelDensity(OutputRules rules, Released.Levels l) {
    if (rules.maxLevelDensity() > 0 && l.levels() > rules.maxLevelDensity() * l.records()) {
      return Optional.of(new Refusal(DisclosureRule.MAX_LEVEL_DENSITY,
          (int) Math.round(rules.maxLevelDensity() * 100),
          "a categorical variable has more than " + format(rules.maxLevelDensity())
              + " levels per record at this site"));
    }
    return Optional.empty();
  }

  /** With {@code zeros-disclosive}, a set of counts with a zero among non-zero ones is refused. */
  static Optional<Refusal> checkZeros(OutputRules rules, Released.Cells cells) {
    if (rules.zerosDisclosive() && LongStream.of(cells.counts()).anyMatch(c -> c == 0)
        && LongStream.of(cells.counts()).anyMatch(c -> c > 0)) {
      return Optional.of(new Refusal(DisclosureRule.ZEROS_DISCLOSIVE, 0,
          "a " + cells.what() + " is zero where others are not, and zeros are disclosive for this dataset"));
    }
    return Optional.empty();
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
