package org.fedstats.coordinator.service;

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
 * Records who is asking, with their address; nodes write it into their audit logs. Over mutual TLS it is the name
 * (CN) of the researcher's verified certificate, and a {@code fedstats-user} header is ignored, whatever it says
 * (a client sends its login there by default, so a differing one is no sign of foul play). Over plaintext it is the
 * researcher's self-declared name from that header: an identity claim, not authentication.
 */
public final class RequesterInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> USER = org.fedstats.common.Contract.USER_HEADER;
  static final Context.Key<String> REQUESTER = Context.key("fedstats-requester");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String user = PeerIdentity.current().map(PeerIdentity::commonName).orElseGet(() -> headers.get(USER));
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
