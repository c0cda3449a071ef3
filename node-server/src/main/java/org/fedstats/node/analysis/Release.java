package org.fedstats.node.analysis;

import java.util.List;
import java.util.Objects;
import org.fedstats.node.disclosure.Released;
import org.fedstats.proto.v1.AnalysisResult;

/** A site's result and what it releases, for the disclosure gate to check before it leaves the node. */
public record Release(AnalysisResult result, List<Released> released) {
  public Release {
    Objects.requireNonNull(result, "result");
    released = List.copyOf(released);
  }

  public static Release of(AnalysisResult result, Released... released) {
    return new Release(result, List.of(released));
  }
}
