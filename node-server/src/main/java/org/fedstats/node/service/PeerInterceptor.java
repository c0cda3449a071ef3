package org.fedstats.node.service;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;
import org.fedstats.pki.tls.PeerIdentity;

/**
 * Names the caller for the audit log: over mutual TLS, the verified identity of its certificate (name, role, serial,
 * put in the context by the {@link org.fedstats.pki.tls.PeerIdentityInterceptor} in front); over plaintext, its
 * network address.
 */
public final class PeerInterceptor implements ServerInterceptor {
  static final Context.Key<String> PEER = Context.key("fedstats-peer");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String address = remote == null ? "unknown" : remote.toString();
    String peer = PeerIdentity.current().map(p -> p.describe() + " at " + address).orElse(address);
    return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
  }
}
