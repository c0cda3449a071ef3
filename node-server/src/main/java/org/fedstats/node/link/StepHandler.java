package org.fedstats.node.link;

import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.proto.v1.CoordinatorToNode;
import org.fedstats.proto.v1.NodeToCoordinator;
import org.fedstats.proto.v1.Step;
import org.fedstats.proto.v1.StepAnswer;
import org.fedstats.proto.v1.StepError;

/**
 * What an outbound node does with the steps its coordinator sends over one stream: each runs on the node's worker
 * pool through the {@link NodeGate}, as a call to the inbound service would, and its answer (or the error status the
 * inbound service would have returned) goes back under the step's id. A step the coordinator cancels, or one still
 * running when the stream ends, is cancelled at the node; it is never run again.
 */
final class StepHandler {
  private final NodeGate gate;
  private final Executor workers;
  private final Consumer<NodeToCoordinator> send;
  private final Supplier<String> peer;
  private final Map<Long, StepWatch> running = new ConcurrentHashMap<>();
  private volatile boolean draining;

  /** {@code peer} names the coordinator in the audit log; {@code send} puts a message on the stream. */
  StepHandler(NodeGate gate, Executor workers, Consumer<NodeToCoordinator> send, Supplier<String> peer) {
    this.gate = gate;
    this.workers = workers;
    this.send = send;
    this.peer = peer;
  }

  void onMessage(CoordinatorToNode message) {
    switch (message.getMessageCase()) {
      case STEP -> start(message.getStep());
      case CANCEL -> {
        StepWatch watch = running.get(message.getCancel().getStepId());
        if (watch != null) {
          watch.cancel();
        }
      }
      default -> { } // accepted and heartbeats are the link's business
    }
  }

  private void start(Step step) {
    if (draining) {
      send.accept(NodeToCoordinator.newBuilder().setAnswer(shuttingDown(step.getStepId())).build());
      return;
    }
    StepWatch watch = new StepWatch(step.getDeadlineMs());
    running.put(step.getStepId(), watch);
    try {
      workers.execute(() -> {
        try {
          send.accept(NodeToCoordinator.newBuilder().setAnswer(answer(step, watch)).build());
        } finally {
          running.remove(step.getStepId());
        }
      });
    } catch (RejectedExecutionException e) {
      running.remove(step.getStepId());
      send.accept(NodeToCoordinator.newBuilder().setAnswer(shuttingDown(step.getStepId())).build());
    }
  }

  private StepAnswer shuttingDown(long stepId) {
    return error(stepId, Status.UNAVAILABLE.withDescription("node " + gate.info().getNodeId()
        + " is shutting down"));
  }

  /** From now on new steps are answered UNAVAILABLE (the node is stopping); those running go on. */
  void drain() {
    draining = true;
  }

  /** Whether no step is running. */
  boolean idle() {
    return running.isEmpty();
  }

  private StepAnswer answer(Step step, StepWatch watch) {
    return switch (step.getKindCase()) {
      case INFO -> StepAnswer.newBuilder().setStepId(step.getStepId()).setInfo(gate.info()).build();
      case ANALYSIS -> reply(step.getStepId(), gate.handle(step.getAnalysis(), peer.get(), watch));
      case FETCH -> reply(step.getStepId(), gate.fetch(step.getFetch(), peer.get()));
      case KIND_NOT_SET -> error(step.getStepId(), Status.INVALID_ARGUMENT.withDescription(
          "the step asks nothing this node knows (a newer coordinator?)"));
    };
  }

  private static StepAnswer reply(long stepId, NodeGate.Reply reply) {
    return reply.error() != null ? error(stepId, reply.error())
        : StepAnswer.newBuilder().setStepId(stepId).setResponse(reply.response()).build();
  }

  private static StepAnswer error(long stepId, Status status) {
    return StepAnswer.newBuilder().setStepId(stepId).setError(StepError.newBuilder().setCode(status.getCode().name())
        .setMessage(status.getDescription() == null ? "" : status.getDescription())).build();
  }

  /** The stream ended: the steps still running are cancelled (their answers could not be delivered). */
  void endAll() {
    running.values().forEach(StepWatch::cancel);
  }
}
