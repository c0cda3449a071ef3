package org.fedstats.node.gate;

import java.util.Objects;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.proto.v1.AnalysisResult;

/** What a node's analysis produced: a disclosure-checked result, or the refusal that kept it in. */
public sealed interface NodeOutcome {
  record Answered(AnalysisResult result) implements NodeOutcome {
    public Answered {
      Objects.requireNonNull(result, "result");
    }
  }

  record Refused(Refusal refusal) implements NodeOutcome {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }
}
