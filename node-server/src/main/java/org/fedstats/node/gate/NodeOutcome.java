package org.fedstats.node.gate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.node.disclosure.Finding;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.overlap.ReleasedSets;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Perturbation;

/**
 * What a node's analysis produced: a disclosure-checked result, one that waits for the data steward's review, or the
 * refusal that kept it in.
 */
public sealed interface NodeOutcome {
  /**
   * A result that passed every rule of its own, and the record sets it would release, which the gate checks against
   * those released before (empty when the dataset's overlap audit is off), and the noise added to it (empty when
   * none).
   */
  record Answered(AnalysisResult result, Optional<ReleasedSets> sets, Optional<Perturbation> perturbation)
      implements NodeOutcome {
    public Answered {
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(sets, "sets");
      Objects.requireNonNull(perturbation, "perturbation");
    }

    /** An exact result. */
    public Answered(AnalysisResult result, Optional<ReleasedSets> sets) {
      this(result, sets, Optional.empty());
    }

    /** A result without record sets to audit. */
    public Answered(AnalysisResult result) {
      this(result, Optional.empty());
    }
  }

  /**
   * A result that may leave only once the dataset's data steward approves it: it breaks only rules the dataset's
   * policy has reviewed, or its analysis is one whose every output is reviewed. {@code evidence} says why, with the
   * values the rules looked at (for the steward, never for the researcher).
   */
  record Held(Answered answer, List<Finding> evidence) implements NodeOutcome {
    public Held {
      Objects.requireNonNull(answer, "answer");
      evidence = List.copyOf(evidence);
      if (evidence.isEmpty()) {
        throw new IllegalArgumentException("a held result says why it waits for review");
      }
    }
  }

  record Refused(Refusal refusal) implements NodeOutcome {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }
}
