package org.fedstats.coordinator.analysis;

import java.util.List;
import java.util.Optional;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.RoundProgress;
import org.fedstats.proto.v1.SiteOutcome;

/**
 * The rounds of one request, made by its unit for that request alone: what the first round asks the nodes, then,
 * after each round, given the sites' answers, the next round's analysis, the pooled result, or why there is none.
 *
 * <p>The federation calls {@link #firstRound} once and {@link #next} once per round, one round after the other and
 * never concurrently, so a driver may keep the state of its iteration (current estimates, previous deviance) in
 * fields. The federation owns what is the same for every analysis: the session id and round number on each node
 * request, the deadline of each round, the limit of rounds per session, and stopping at the first round a site
 * refuses or fails.
 *
 * <p>A GLM fitted by IRLS, for example: {@code firstRound()} asks for round statistics without coefficients; each
 * {@code next} combines the sites' X'WX and X'Wz, solves for the new coefficients and continues with them, until the
 * pooled deviance converges; it then continues once with {@code null_model} set and, after that round, is done with
 * the fitted model.
 */
public interface RoundDriver {
  /**
   * Whether this request may take more than one round: yes, unless the driver says otherwise (as the single-round
   * driver does). Such a request gets a session id that the nodes record with each round; partial pooling never
   * applies to it, as every round needs every site.
   */
  default boolean multiRound() {
    return true;
  }

  /** The analysis sent to the nodes in round 0. */
  Analysis firstRound();

  /**
   * What follows a round that every site answered (or, for a single-round request that allows partial results,
   * that some sites answered): {@code answered} are those sites' outcomes, each with a result that passed the
   * unit's site check.
   */
  Step next(List<SiteOutcome> answered);

  /** What follows a round. */
  sealed interface Step {}

  /**
   * Another round, asking {@code nextRound}. {@code progress} tells the researcher of the round just completed: the
   * driver sets the stage, deviance and relative change; the federation sets the session, round and elapsed time.
   */
  record Continue(Analysis nextRound, RoundProgress progress) implements Step {}

  /**
   * The pooled result, with a note for the researcher (empty, or e.g. "converged after 5 iterations"), and for a
   * multi-round request the progress of the last round, if the driver reports one.
   */
  record Done(AnalysisResult pooled, String note, Optional<RoundProgress> progress) implements Step {
    public Done(AnalysisResult pooled, String note) {
      this(pooled, note, Optional.empty());
    }
  }

  /** No pooled value, and why (it follows "no pooled value: " in the response's note). */
  record Fail(String reason) implements Step {}

  /** One round: asks {@code requested} as it is and combines the answers with {@code unit}. */
  static RoundDriver singleRound(CoordinatorAnalysis unit, Analysis requested) {
    return singleRound(requested,
        answered -> unit.combine(requested, answered.stream().map(SiteOutcome::getResult).toList()));
  }

  /**
   * One round: asks {@code requested} as it is and pools the sites' outcomes with {@code pool} (for units whose
   * pooled result names the sites, which {@link CoordinatorAnalysis#combine} does not see). An
   * IllegalArgumentException from {@code pool} is a Fail saying the results cannot be pooled.
   */
  static RoundDriver singleRound(Analysis requested,
      java.util.function.Function<List<SiteOutcome>, AnalysisResult> pool) {
    return new RoundDriver() {
      @Override
      public boolean multiRound() {
        return false;
      }

      @Override
      public Analysis firstRound() {
        return requested;
      }

      @Override
      public Step next(List<SiteOutcome> answered) {
        try {
          return new Done(pool.apply(answered), "");
        } catch (IllegalArgumentException e) {
          return new Fail("the sites' results cannot be pooled: " + e.getMessage());
        }
      }
    };
  }
}
