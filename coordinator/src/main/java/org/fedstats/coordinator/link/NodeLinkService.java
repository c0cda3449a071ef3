package org.fedstats.coordinator.link;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import java.net.SocketAddress;
import java.util.Optional;
import org.fedstats.pki.tls.PeerIdentityInterceptor;
import org.fedstats.pki.tls.PeerIdentity;
import org.fedstats.proto.v1.CoordinatorToNode;
import org.fedstats.proto.v1.NodeLinkGrpc;
import org.fedstats.proto.v1.NodeToCoordinator;

/** gRPC face of {@link NodeLinks}: hands each stream a node opens to it, with who opened it and from where. */
public final class NodeLinkService extends NodeLinkGrpc.NodeLinkImplBase {
  private static final Context.Key<String> REMOTE = Context.key("fedstats-link-remote");

  private final NodeLinks links;

  public NodeLinkService(NodeLinks links) {
    this.links = links;
  }

  @Override
  public StreamObserver<NodeToCoordinator> connect(StreamObserver<CoordinatorToNode> out) {
    return links.open(out, PeerIdentity.current(), REMOTE.get() == null ? "unknown" : REMOTE.get());
  }

  /**
   * The service as the node port serves it: behind {@code identities} over mutual TLS (only certificates of the node
   * role get through), with the caller's address for the logs.
   */
  public ServerServiceDefinition definition(Optional<PeerIdentityInterceptor> identities) {
    ServerInterceptor remote = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return Contexts.interceptCall(Context.current().withValue(REMOTE, String.valueOf(address).replaceFirst("^/", "")),
            call, headers, next);
      }
    };
    ServerServiceDefinition service = ServerInterceptors.intercept(bindService(), remote);
    // The last interceptor runs first: the identity is checked before anything else.
    return identities.map(i -> ServerInterceptors.intercept(service, i)).orElse(service);
  }
}
