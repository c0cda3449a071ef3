package org.fedstats.coordinator.service;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.federation.RequestRejected;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.ListDatasetsRequest;
import org.fedstats.proto.v1.ListDatasetsResponse;
import org.fedstats.proto.v1.ListNodesRequest;
import org.fedstats.proto.v1.ListNodesResponse;

/** gRPC face of the coordinator for researchers; the work is in {@link Federation}. */
public final class FederationGrpcService extends FederationServiceGrpc.FederationServiceImplBase {
  private static final Logger LOG = Logger.getLogger(FederationGrpcService.class.getName());
  private final Federation federation;

  public FederationGrpcService(Federation federation) {
    this.federation = federation;
  }

  @Override
  public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> responses) {
    responses.onNext(federation.listNodes());
    responses.onCompleted();
  }

  @Override
  public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> responses) {
    responses.onNext(federation.listDatasets());
    responses.onCompleted();
  }

  @Override
  public void runAnalysis(AnalysisRequest request, StreamObserver<AnalysisResponse> responses) {
    String requester = RequesterInterceptor.REQUESTER.get();
    AnalysisResponse response;
    try {
      response = federation.run(request, requester == null ? "anonymous" : requester);
    } catch (RequestRejected e) {
      LOG.info(() -> "request by " + requester + " on " + request.getDataset() + " rejected: "
          + e.status().getCode() + " " + e.status().getDescription());
      responses.onError(e.status().asRuntimeException());
      return;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "analysis failed", e);
      responses.onError(Status.INTERNAL.withDescription("the coordinator could not run the analysis: "
          + e.getClass().getSimpleName()).asRuntimeException());
      return;
    }
    LOG.info(() -> "request " + response.getRequestId() + " by " + requester + " on " + request.getDataset()
        + " (" + request.getAnalysis().getKindCase().name().toLowerCase(java.util.Locale.ROOT) + "): "
        + response.getSitesList().stream().map(s -> s.getNodeId() + " " + s.getStatus())
            .collect(java.util.stream.Collectors.joining(", "))
        + "; " + response.getPooledNote());
    responses.onNext(response);
    responses.onCompleted();
  }
}
