package org.fedstats.coordinator.service;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import org.fedstats.common.Contract;
import org.fedstats.coordinator.identity.Authenticator;
import org.fedstats.coordinator.identity.OidcVerifier;
import org.fedstats.coordinator.identity.Researcher;
import org.fedstats.pki.tls.PeerIdentity;

/**
 * Establishes who is asking ({@link Authenticator}: a bearer token, else the verified client certificate, else, on a
 * coordinator that takes neither, the self-declared {@code fedstats-user} header) and records it with the caller's
 * address; nodes write it into their audit logs. A caller the authenticator refuses gets UNAUTHENTICATED with the
 * reason, before any handler runs.
 */
public final class RequesterInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> USER = Contract.USER_HEADER;
  static final Context.Key<String> REQUESTER = Context.key("fedstats-requester");
  static final Context.Key<Researcher> RESEARCHER = Context.key("fedstats-researcher");

  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(RequesterInterceptor.class.getName());

  private final Authenticator authenticator;

  /** Takes the names callers state (a plaintext coordinator without OpenID Connect), or their certificates' names. */
  public RequesterInterceptor() {
    this(Authenticator.claimsOnly());
  }

  public RequesterInterceptor(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Researcher researcher;
    try {
      researcher = authenticator.authenticate(PeerIdentity.current(), headers.get(Contract.AUTHORIZATION_HEADER),
          headers.get(USER));
    } catch (OidcVerifier.Refused e) {
      LOG.info(() -> "researcher call from " + call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
          + " refused: " + e.getMessage());
      call.close(Status.UNAUTHENTICATED.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String requester = researcher.name() + "@" + (remote == null ? "unknown" : remote.toString());
    Context context = Context.current().withValue(REQUESTER, requester).withValue(RESEARCHER, researcher);
    return Contexts.interceptCall(context, call, headers, next);
  }
}
