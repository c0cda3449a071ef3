package org.fedstats.coordinator.service;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/**
 * Records who is asking: the researcher's self-declared name (header {@code fedstats-user}) and their address.
 * Nodes write it into their audit logs. It is an identity claim, not authentication.
 */
public final class RequesterInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> USER = org.fedstats.common.Contract.USER_HEADER;
  static final Context.Key<String> REQUESTER = Context.key("fedstats-requester");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String user = headers.get(USER);
    if (user == null || user.isBlank()) {
      user = "anonymous";
    } else if (user.length() > 128) {
      user = user.substring(0, 128);
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String requester = user + "@" + (remote == null ? "unknown" : remote.toString());
    return Contexts.interceptCall(Context.current().withValue(REQUESTER, requester), call, headers, next);
  }
}
