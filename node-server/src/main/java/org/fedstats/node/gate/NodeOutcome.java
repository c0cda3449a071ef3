package org.fedstats.node.gate;

import java.util.Objects;
import java.util.Optional;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.overlap.ReleasedSets;
import org.fedstats.proto.v1.AnalysisResult;

/** What a node's analysis produced: a disclosure-checked result, or the refusal that kept it in. */
public sealed interface NodeOutcome {
  /**
   * A result that passed every rule of its own, and the record sets it would release, which the gate checks against
   * those released before (empty when the dataset's overlap audit is off).
   */
  record Answered(AnalysisResult result, Optional<ReleasedSets> sets) implements NodeOutcome {
    public Answered {
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(sets, "sets");
    }

    /** A result without record sets to audit. */
    public Answered(AnalysisResult result) {
      this(result, Optional.empty());
    }
  }

  record Refused(Refusal refusal) implements NodeOutcome {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }
}
