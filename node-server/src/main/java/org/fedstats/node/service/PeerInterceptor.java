package org.fedstats.node.service;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/** Makes the caller's network address available to the service for the audit log. */
public final class PeerInterceptor implements ServerInterceptor {
  static final Context.Key<String> PEER = Context.key("fedstats-peer");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return Contexts.interceptCall(Context.current().withValue(PEER, remote == null ? "unknown" : remote.toString()),
        call, headers, next);
  }
}
