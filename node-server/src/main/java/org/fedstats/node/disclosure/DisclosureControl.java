package org.fedstats.node.disclosure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * Output checks run on every result before it leaves the node. Each check is a pure function of the result's
 * counts and the dataset's policy, and returns the refusal that applies, if any.
 */
public final class DisclosureControl {
  private DisclosureControl() {}

  /**
   * The cohort must hold at least {@code min-cohort-size} records, and the records outside it (unless there are
   * none) at least {@code min-complement-size}: a small complement lets two queries difference out individuals.
   */
  public static Optional<Refusal> checkCohort(DisclosurePolicy policy, long cohort, long total) {
    return cohortRule(policy, cohort, total).map(r -> Rules.named(policy, r));
  }

  private static Optional<Refusal> cohortRule(DisclosurePolicy policy, long cohort, long total) {
    if (cohort < policy.minCohortSize()) {
      return Optional.of(new Refusal(DisclosureRule.MIN_COHORT_SIZE, policy.minCohortSize(),
          "the cohort has fewer than " + policy.minCohortSize() + " records"));
    }
    long complement = total - cohort;
    if (complement > 0 && complement < policy.minComplementSize()) {
      return Optional.of(new Refusal(DisclosureRule.MIN_COMPLEMENT_SIZE, policy.minComplementSize(),
          "fewer than " + policy.minComplementSize() + " records lie outside the cohort, which would let "
              + "results be differenced against the whole dataset"));
    }
    return Optional.empty();
  }

  /** Every non-zero cell (table cell, histogram bin, missing count) must count at least {@code min-cell-count}. */
  public static Optional<Refusal> checkCells(DisclosurePolicy policy, String what, LongStream cells) {
    boolean small = cells.anyMatch(c -> c > 0 && c < policy.minCellCount());
    if (small) {
      return Optional.of(new Refusal(DisclosureRule.MIN_CELL_COUNT, policy.minCellCount(),
          "a non-zero " + what + " is below " + policy.minCellCount() + " records"));
    }
    return Optional.empty();
  }

  /** The first rule that {@code released} breaks, if any, checked in order. */
  public static Optional<Refusal> check(DisclosurePolicy policy, List<Released> released) {
    return broken(policy, released).stream().findFirst().map(Broken::refusal);
  }

  /** A rule {@code released} breaks, and the values it looked at. */
  public record Broken(Refusal refusal, String values) {
    public Finding finding() {
      return Finding.of(refusal, values);
    }
  }

  /**
   * Every rule that {@code released} breaks, in the order {@link #check} checks them (its first is {@link #check}'s
   * refusal), each with the values it looked at: the evidence a data steward reviews.
   */
  public static List<Broken> broken(DisclosurePolicy policy, List<Released> released) {
    List<Broken> findings = new ArrayList<>();
    for (Released r : released) {
      List<Optional<Refusal>> broken = switch (r) {
        case Released.Cells c -> List.of(checkCells(policy, c.what(), LongStream.of(c.counts())),
            Rules.checkZeros(policy.rules(), c));
        case Released.SummaryN s -> List.of(checkSummaryN(policy, s.n()));
        case Released.Model m -> List.of(checkParameters(policy, m.n(), m.parameters()),
            checkResidualDf(policy, m.n(), m.parameters()));
        case Released.Magnitude m -> List.of(Rules.checkDominance(policy.rules(), m),
            Rules.checkPRatio(policy.rules(), m));
        case Released.Levels l -> List.of(Rules.checkLevelCount(policy.rules(), l),
            Rules.checkLevelDensity(policy.rules(), l));
      };
      broken.stream().flatMap(Optional::stream)
          .forEach(refusal -> findings.add(new Broken(Rules.named(policy, refusal), values(r))));
    }
    return findings;
  }

  /** The values a rule looked at in {@code released}, as a steward reads them. */
  private static String values(Released released) {
    return switch (released) {
      case Released.Cells c -> c.what() + " counts " + (c.counts().length <= 100 ? Arrays.toString(c.counts())
          : Arrays.toString(Arrays.copyOf(c.counts(), 100)) + " (first 100 of " + c.counts().length + ")");
      case Released.SummaryN s -> "n " + s.n();
      case Released.Model m -> "n " + m.n() + ", parameters " + m.parameters() + ", residual df "
          + (m.n() - m.parameters());
      case Released.Magnitude m -> "total " + m.total() + ", largest " + m.largest() + ", second " + m.second()
          + (m.total() > 0 ? String.format(Locale.ROOT, " (largest two %.1f %% of the total)",
              100 * (m.largest() + m.second()) / m.total()) : "");
      case Released.Levels l -> "levels " + l.levels() + ", records " + l.records();
    };
  }

  /**
   * A model may have at most {@code max-parameter-percent} parameters per 100 records (a saturated or nearly
   * saturated model reproduces its records) and needs {@code min-residual-df} residual degrees of freedom.
   */
  public static Optional<Refusal> checkModel(DisclosurePolicy policy, long n, int parameters) {
    return checkParameters(policy, n, parameters).or(() -> checkResidualDf(policy, n, parameters));
  }

  private static Optional<Refusal> checkParameters(DisclosurePolicy policy, long n, int parameters) {
    if (100L * parameters > (long) policy.maxParameterPercent() * n) {
      return Optional.of(new Refusal(DisclosureRule.MAX_PARAMETER_PERCENT, policy.maxParameterPercent(),
          "the model has more than " + policy.maxParameterPercent() + " parameters per 100 records at this site"));
    }
    return Optional.empty();
  }

  private static Optional<Refusal> checkResidualDf(DisclosurePolicy policy, long n, int parameters) {
    if (n - parameters < policy.minResidualDf()) {
      return Optional.of(new Refusal(DisclosureRule.MIN_RESIDUAL_DF, policy.minResidualDf(),
          "the model would have fewer than " + policy.minResidualDf() + " residual degrees of freedom at this site"));
    }
    return Optional.empty();
  }

  /** A summary needs at least {@code min-summary-n} non-missing values. */
  public static Optional<Refusal> checkSummaryN(DisclosurePolicy policy, long n) {
    if (n < policy.minSummaryN()) {
      return Optional.of(new Refusal(DisclosureRule.MIN_SUMMARY_N, policy.minSummaryN(),
          "the summary would rest on fewer than " + policy.minSummaryN() + " non-missing values"));
    }
    return Optional.empty();
  }
}
