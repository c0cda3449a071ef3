package org.fedstats.coordinator.federation;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.fedstats.proto.v1.FetchReleaseRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;

/**
 * How the coordinator reaches one node: over a channel it dials (an inbound node, {@link ChannelTransport}) or over
 * the stream the node opened to it (an outbound node). {@link NodeClient} keeps the node's health and counts on top,
 * the same for both, so fan-out, rounds and analyses do not know which it is.
 */
public interface NodeTransport extends AutoCloseable {
  /** How the node is reached: "inbound" (the coordinator dials it) or "outbound" (it dials the coordinator). */
  String link();

  /** Where the node is, for the node list: its host:port, or what is known of its connection. */
  String address();

  /** Asks the node for its identity and holdings. Completes with the answer or the failure (a gRPC status). */
  CompletableFuture<NodeInfo> info(Duration deadline);

  /** Sends one analysis step. Completes with the answer or the failure (a gRPC status); never throws. */
  CompletableFuture<NodeAnalysisResponse> run(NodeAnalysisRequest request, Duration deadline);

  /**
   * Asks the node for an answer it held for its data steward's review, by its ticket. Completes with the answer or
   * the failure (a gRPC status); never throws.
   */
  CompletableFuture<NodeAnalysisResponse> fetch(FetchReleaseRequest request, Duration deadline);

  /** The node is down: try to reach it again at once rather than after a back-off, if the transport dials. */
  default void wake() {}

  @Override
  void close();
}
