package org.fedstats.node.gate;

import io.grpc.Status;
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

  /**
   * What {@link #gone} says once the caller no longer waits: {@code code} is DEADLINE_EXCEEDED (its deadline passed)
   * or CANCELLED.
   */
  static RequestException callerGone(Status.Code code, String nodeId) {
    return new RequestException(code, code == Status.Code.DEADLINE_EXCEEDED
        ? "the caller's deadline passed before node " + nodeId + " had an answer; nothing was answered"
        : "the caller cancelled the request before node " + nodeId + " had an answer; nothing was answered");
  }

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
