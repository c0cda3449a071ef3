package org.fedstats.node.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedstats.node.Node;
import org.fedstats.node.NodeServer;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.FetchReleaseRequest;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeServiceGrpc;

/**
 * A node serving one site's {@code colon} dataset over gRPC/Netty on 127.0.0.1, and a researcher asking it directly,
 * as an attacker who reached the node would. Closing it twice is harmless (tests restart sites).
 */
public final class ServedSite implements AutoCloseable {
  /** The researcher who asks unless a test names another. */
  public static final String MALLORY = "mallory";

  private final NodeServer server;
  private final ManagedChannel channel;
  private final NodeServiceGrpc.NodeServiceBlockingStub stub;
  private final AtomicInteger requests = new AtomicInteger();
  private boolean closed;

  private ServedSite(NodeServer server) {
    this.server = server;
    this.channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    this.stub = NodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** Starts a node over {@code settings}, listening on a free port of 127.0.0.1. */
  public static ServedSite start(NodeSettings settings) throws Exception {
    return new ServedSite(NodeServer.start(settings.withListen("127.0.0.1", 0), new SimpleMeterRegistry()));
  }

  /** The node itself, for what it tells its operator. */
  public Node node() {
    return server.node();
  }

  public NodeAnalysisResponse ask(Filter filter, Analysis analysis) {
    return ask(MALLORY, filter, analysis);
  }

  /** Asks {@code analysis} of the colon dataset over the cohort {@code filter} (null: everyone). */
  public NodeAnalysisResponse ask(String researcher, Filter filter, Analysis analysis) {
    NodeAnalysisRequest.Builder b = NodeAnalysisRequest.newBuilder().setRequestId("r" + requests.incrementAndGet())
        .setRequester(researcher).setDataset("colon").setAnalysis(analysis);
    if (filter != null) {
      b.setFilter(filter);
    }
    return stub.runAnalysis(b.build());
  }

  /** Sends {@code request} as it is (a test sets every field). */
  public NodeAnalysisResponse ask(NodeAnalysisRequest request) {
    return stub.runAnalysis(request);
  }

  /** Fetches the answer the node held for review under {@code ticket}, as {@code researcher}. */
  public NodeAnalysisResponse fetch(String researcher, String ticket) {
    return stub.fetchRelease(FetchReleaseRequest.newBuilder().setTicket(ticket).setRequester(researcher)
        .setRequestId("f" + requests.incrementAndGet()).build());
  }

  @Override
  public synchronized void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }
}
