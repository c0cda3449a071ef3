package org.fedstats.node.disclosure;

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
  public static Optional<Refusal> check(DisclosurePolicy policy, java.util.List<Released> released) {
    for (Released r : released) {
      Optional<Refusal> refusal = switch (r) {
        case Released.Cells c -> checkCells(policy, c.what(), LongStream.of(c.counts()));
        case Released.SummaryN s -> checkSummaryN(policy, s.n());
        case Released.Model m -> checkModel(policy, m.n(), m.parameters());
        case Released.Magnitude m -> Rules.checkMagnitude(policy.rules(), m);
        case Released.Levels l -> Rules.checkLevels(policy.rules(), l);
      };
      if (refusal.isEmpty() && r instanceof Released.Cells c) {
        refusal = Rules.checkZeros(policy.rules(), c);
      }
      if (refusal.isPresent()) {
        return refusal.map(x -> Rules.named(policy, x));
      }
    }
    return Optional.empty();
  }

  /**
   * A model may have at most {@code max-parameter-percent} parameters per 100 records (a saturated or nearly
   * saturated model reproduces its records) and needs {@code min-residual-df} residual degrees of freedom.
   */
  public static Optional<Refusal> checkModel(DisclosurePolicy policy, long n, int parameters) {
    if (100L * parameters > (long) policy.maxParameterPercent() * n) {
      return Optional.of(new Refusal(DisclosureRule.MAX_PARAMETER_PERCENT, policy.maxParameterPercent(),
          "the model has more than " + policy.maxParameterPercent() + " parameters per 100 records at this site"));
    }
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
