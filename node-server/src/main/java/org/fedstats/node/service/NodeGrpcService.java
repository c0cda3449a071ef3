package org.fedstats.node.service;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.proto.v1.FetchReleaseRequest;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeServiceGrpc;

/** gRPC face of a node: hands each request to the {@link NodeGate} with the caller's liveness, and replies. */
public final class NodeGrpcService extends NodeServiceGrpc.NodeServiceImplBase {
  private final NodeGate gate;

  public NodeGrpcService(NodeGate gate) {
    this.gate = gate;
  }

  @Override
  public void getNodeInfo(GetNodeInfoRequest request, StreamObserver<NodeInfo> responses) {
    responses.onNext(gate.info());
    responses.onCompleted();
  }

  @Override
  public void fetchRelease(FetchReleaseRequest request, StreamObserver<NodeAnalysisResponse> responses) {
    reply(gate.fetch(request, PeerInterceptor.PEER.get()), responses);
  }

  @Override
  public void runAnalysis(NodeAnalysisRequest request, StreamObserver<NodeAnalysisResponse> responses) {
    NodeGate.Reply reply;
    try (CallWatch call = new CallWatch(Context.current())) {
      reply = gate.handle(request, PeerInterceptor.PEER.get(), call);
    }
    reply(reply, responses);
  }

  private static void reply(NodeGate.Reply reply, StreamObserver<NodeAnalysisResponse> responses) {
    if (reply.error() != null) {
      responses.onError(reply.error().asRuntimeException());
    } else {
      responses.onNext(reply.response());
      responses.onCompleted();
    }
  }
}
