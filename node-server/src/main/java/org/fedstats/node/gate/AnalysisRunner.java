package org.fedstats.node.gate;

import java.sql.SQLException;
import org.fedstats.node.analysis.Cancellation;

/** Runs one analysis request on the node's data; {@link AnalysisEngine} is the implementation. */
@FunctionalInterface
public interface AnalysisRunner {
  /**
   * Runs {@code request}; {@code cancellation} may stop it from another thread, in which case it throws an
   * {@link SQLException} (a {@link Cancellation.CancelledException} or the database's own interruption).
   */
  NodeOutcome run(AnalysisEngine.Request request, Cancellation cancellation) throws SQLException;
}
