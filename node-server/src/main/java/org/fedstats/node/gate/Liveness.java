package org.fedstats.node.gate;

import java.util.Optional;
import org.fedstats.node.analysis.Cancellation;
import org.fedstats.node.error.RequestException;

/**
 * Whether the caller of a request still waits for its answer, as the transport knows it, and what stops the
 * request's running analysis when it does not.
 */
public interface Liveness {
  /** DEADLINE_EXCEEDED or CANCELLED, with a message, once the caller no longer waits; empty while it does. */
  Optional<RequestException> gone(String nodeId);

  /** Stops the running analysis; the transport cancels it when the caller goes. */
  Cancellation cancellation();

  /** A caller that always waits (tests, in-process use). */
  static Liveness always() {
    Cancellation cancellation = new Cancellation();
    return new Liveness() {
      @Override
      public Optional<RequestException> gone(String nodeId) {
        return Optional.empty();
      }

      @Override
      public Cancellation cancellation() {
        return cancellation;
      }
    };
  }
}
