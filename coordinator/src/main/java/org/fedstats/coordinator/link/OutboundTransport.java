package org.fedstats.coordinator.link;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.fedstats.coordinator.federation.NodeTransport;
import org.fedstats.proto.v1.FetchReleaseRequest;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.Step;
import org.fedstats.proto.v1.StepAnswer;

/** An outbound node: reached over the stream it opened to the coordinator, while it has one open. */
public final class OutboundTransport implements NodeTransport {
  private final String id;
  private final AtomicReference<LinkSession> session = new AtomicReference<>();
  private volatile String lost;

  OutboundTransport(String id) {
    this.id = id;
  }

  @Override
  public String link() {
    return "outbound";
  }

  /** The address the node's link comes from while it has one (its outgoing connection's); empty when it has none. */
  @Override
  public String address() {
    LinkSession s = session.get();
    return s == null ? "" : s.remote();
  }

  /** Steps go over {@code next} from now on; the session it replaces, if any. */
  LinkSession attach(LinkSession next) {
    return session.getAndSet(next);
  }

  /** Takes {@code ended} off, lost for {@code why}, if it is still the node's stream; true if it was. */
  boolean detach(LinkSession ended, String why) {
    if (session.compareAndSet(ended, null)) {
      lost = why;
      return true;
    }
    return false;
  }

  LinkSession current() {
    return session.get();
  }

  @Override
  public CompletableFuture<NodeInfo> info(Duration deadline) {
    return step(Step.newBuilder().setInfo(GetNodeInfoRequest.getDefaultInstance()), deadline, a ->
        a.hasInfo() ? a.getInfo() : null);
  }

  @Override
  public CompletableFuture<NodeAnalysisResponse> run(NodeAnalysisRequest request, Duration deadline) {
    return step(Step.newBuilder().setAnalysis(request), deadline, a -> a.hasResponse() ? a.getResponse() : null);
  }

  @Override
  public CompletableFuture<NodeAnalysisResponse> fetch(FetchReleaseRequest request, Duration deadline) {
    return step(Step.newBuilder().setFetch(request), deadline, a -> a.hasResponse() ? a.getResponse() : null);
  }

  private <T> CompletableFuture<T> step(Step.Builder step, Duration deadline, Function<StepAnswer, T> expected) {
    LinkSession s = session.get();
    if (s == null) {
      String why = lost;
      return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("node " + id + " is not linked: "
          + (why == null ? "it has not dialled in (an outbound node dials the coordinator's node port)"
              : "link closed: " + why + "; waiting for it to dial in again")).asRuntimeException());
    }
    return s.send(step, deadline).thenApply(answer -> {
      if (answer.hasError()) {
        throw new StatusRuntimeException(status(answer.getError().getCode()).withDescription(
            answer.getError().getMessage()));
      }
      T value = expected.apply(answer);
      if (value == null) {
        throw new StatusRuntimeException(Status.INTERNAL.withDescription("node " + id + " answered a step with "
            + answer.getOutcomeCase().name().toLowerCase(Locale.ROOT) + ", not what was asked"));
      }
      return value;
    });
  }

  /** The status code a node names; UNKNOWN for a name that is none. */
  private static Status status(String code) {
    try {
      return Status.fromCode(Status.Code.valueOf(code));
    } catch (IllegalArgumentException e) {
      return Status.UNKNOWN;
    }
  }

  @Override
  public void close() {
    LinkSession s = session.getAndSet(null);
    if (s != null) {
      s.close(Status.UNAVAILABLE.withDescription("the coordinator is shutting down"));
    }
  }
}
