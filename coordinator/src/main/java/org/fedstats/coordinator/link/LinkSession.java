package org.fedstats.coordinator.link;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.fedstats.proto.v1.CancelStep;
import org.fedstats.proto.v1.CoordinatorToNode;
import org.fedstats.proto.v1.Step;
import org.fedstats.proto.v1.StepAnswer;

/**
 * One stream an outbound node opened: the steps sent over it and not yet answered, each waiting under its
 * correlation id. A step is sent once and never again: when the stream ends, every step still waiting fails with
 * UNAVAILABLE saying so (the node may or may not have run it; its audit log tells), and when a step's deadline
 * passes it fails with DEADLINE_EXCEEDED and the node is told to cancel it.
 */
final class LinkSession {
  private final String remote;
  private final StreamObserver<CoordinatorToNode> out;
  private final ScheduledExecutorService timers;
  private final Map<Long, Waiting> waiting = new ConcurrentHashMap<>();
  private final AtomicLong nextStep = new AtomicLong(1);
  private volatile long lastHeard = System.nanoTime();
  private volatile String nodeId;
  private volatile String ended;

  private record Waiting(CompletableFuture<StepAnswer> answer, ScheduledFuture<?> timeout) {}

  LinkSession(String remote, StreamObserver<CoordinatorToNode> out, ScheduledExecutorService timers) {
    this.remote = remote;
    this.out = out;
    this.timers = timers;
  }

  String remote() {
    return remote;
  }

  /** The node id this stream was accepted for; null until its status was accepted. */
  String nodeId() {
    return nodeId;
  }

  void accepted(String id) {
    nodeId = id;
  }

  /** Something arrived from the node. */
  void heard() {
    lastHeard = System.nanoTime();
  }

  /** How long since anything arrived from the node. */
  Duration silence() {
    return Duration.ofNanos(System.nanoTime() - lastHeard);
  }

  boolean isEnded() {
    return ended != null;
  }

  /**
   * Sends {@code step} (its id is set here) and completes with the node's answer, or fails: DEADLINE_EXCEEDED when
   * no answer came within {@code deadline}, UNAVAILABLE when the stream ended first.
   */
  CompletableFuture<StepAnswer> send(Step.Builder step, Duration deadline) {
    long id = nextStep.getAndIncrement();
    CompletableFuture<StepAnswer> answer = new CompletableFuture<>();
    ScheduledFuture<?> timeout = timers.schedule(() -> timedOut(id, deadline), deadline.toMillis(),
        TimeUnit.MILLISECONDS);
    waiting.put(id, new Waiting(answer, timeout));
    String why = ended;
    if (why != null) {
      // Ended before the step was registered: end() did not see it.
      fail(id, endedStatus(why));
      return answer;
    }
    if (!write(CoordinatorToNode.newBuilder().setStep(step.setStepId(id).setDeadlineMs(deadline.toMillis()))
        .build())) {
      fail(id, Status.UNAVAILABLE.withDescription("the link to node " + nodeId + " failed while the step was sent"));
    }
    return answer;
  }

  private void timedOut(long id, Duration deadline) {
    if (fail(id, Status.DEADLINE_EXCEEDED.withDescription("no answer within " + deadline.toMillis() + " ms"))) {
      write(CoordinatorToNode.newBuilder().setCancel(CancelStep.newBuilder().setStepId(id)).build());
    }
  }

  /** The node's answer to a step; an answer to a step nobody waits for (it timed out) is dropped. */
  void answer(StepAnswer answer) {
    Waiting w = waiting.remove(answer.getStepId());
    if (w != null) {
      w.timeout().cancel(false);
      w.answer().complete(answer);
    }
  }

  private boolean fail(long id, Status status) {
    Waiting w = waiting.remove(id);
    if (w == null) {
      return false;
    }
    w.timeout().cancel(false);
    w.answer().completeExceptionally(new StatusRuntimeException(status));
    return true;
  }

  /** The stream ended for {@code why}: every step still waiting fails, saying that it was not sent again. */
  void end(String why) {
    if (ended != null) {
      return;
    }
    ended = why;
    for (Long id : waiting.keySet()) {
      fail(id, endedStatus(why));
    }
  }

  private Status endedStatus(String why) {
    return Status.UNAVAILABLE.withDescription("the link to node " + nodeId + " ended while the step was in flight ("
        + why + "); it was not sent again");
  }

  /** Sends one message; false if the stream is closed. Messages of one stream are sent one at a time. */
  boolean write(CoordinatorToNode message) {
    synchronized (out) {
      if (ended != null) {
        return false;
      }
      try {
        out.onNext(message);
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }
  }

  /** Ends the stream from this side with {@code status} (e.g. replaced, dead), after {@link #end}. */
  void close(Status status) {
    end(status.getDescription());
    synchronized (out) {
      try {
        out.onError(status.asRuntimeException());
      } catch (RuntimeException e) {
        // Already closed by the transport.
      }
    }
  }
}
