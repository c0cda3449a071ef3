package org.fedstats.node.link;

import io.grpc.Status;
import java.util.Optional;
import org.fedstats.node.analysis.Cancellation;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.gate.Liveness;

/**
 * Whether the coordinator still waits for one step sent over the link: not once the step's deadline has passed, the
 * coordinator cancelled it, or the link it came on ended (its answer could no longer be delivered; the coordinator
 * fails the step and does not send it again).
 */
final class StepWatch implements Liveness {
  private final long deadlineNanos;
  private final boolean hasDeadline;
  private final Cancellation cancellation = new Cancellation();
  private volatile Status.Code gone;

  /** A step the coordinator waits {@code deadlineMs} for, from now (0 or less: no deadline). */
  StepWatch(long deadlineMs) {
    this.hasDeadline = deadlineMs > 0;
    this.deadlineNanos = System.nanoTime() + Math.max(0, deadlineMs) * 1_000_000L;
  }

  /** The coordinator no longer waits: the running analysis is stopped. */
  void cancel() {
    gone = Status.Code.CANCELLED;
    cancellation.cancel();
  }

  @Override
  public Optional<RequestException> gone(String nodeId) {
    Status.Code code = hasDeadline && System.nanoTime() - deadlineNanos >= 0 ? Status.Code.DEADLINE_EXCEEDED : gone;
    if (code == null) {
      return Optional.empty();
    }
    cancellation.cancel();
    return Optional.of(Liveness.callerGone(code, nodeId));
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }
}
