package org.fedstats.node.service;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.Optional;
import org.fedstats.node.analysis.Cancellation;
import org.fedstats.node.gate.Liveness;
import org.fedstats.node.error.RequestException;

/**
 * Watches the gRPC call a request runs for. When the caller cancels or its deadline passes, the running analysis is
 * cancelled, and {@link #gone()} says so, so that the node neither runs nor answers (nor audits as answered) a
 * request nobody waits for any more, e.g. after the node was paused (SIGSTOP) and resumed.
 */
final class CallWatch implements Liveness, AutoCloseable {
  private final Context context;
  private final Cancellation cancellation = new Cancellation();
  private final Context.CancellationListener listener = c -> cancellation.cancel();

  CallWatch(Context context) {
    this.context = context;
    context.addListener(listener, Runnable::run);
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }

  /**
   * DEADLINE_EXCEEDED or CANCELLED, with a message, if the caller no longer waits for an answer. An expired deadline
   * counts even before gRPC's timer has cancelled the call (a resumed process sees the clock before the timer).
   */
  @Override
  public Optional<RequestException> gone(String nodeId) {
    Deadline deadline = context.getDeadline();
    Status.Code code = null;
    if (deadline != null && deadline.isExpired()) {
      code = Status.Code.DEADLINE_EXCEEDED;
    } else if (context.isCancelled()) {
      Throwable cause = context.cancellationCause();
      code = cause != null && Status.fromThrowable(cause).getCode() == Status.Code.DEADLINE_EXCEEDED
          ? Status.Code.DEADLINE_EXCEEDED : Status.Code.CANCELLED;
    }
    if (code == null) {
      return Optional.empty();
    }
    cancellation.cancel();
    return Optional.of(Liveness.callerGone(code, nodeId));
  }

  @Override
  public void close() {
    context.removeListener(listener);
  }
}
