package org.fedstats.pki.tls;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSession;
import org.fedstats.pki.Role;

/**
 * Puts the verified caller's {@link PeerIdentity} in the gRPC {@link Context} ({@link PeerIdentity#current()}),
 * and refuses a call: {@code UNAUTHENTICATED} when it did not come over mutual TLS or its certificate was revoked
 * since the connection was made (a revocation reaches open connections at their next call), {@code
 * PERMISSION_DENIED} when the certificate names no role or one this server does not take calls from.
 */
public final class PeerIdentityInterceptor implements ServerInterceptor {
  private final RevocationList revocations;
  private final Set<Role> allowed;
  private final boolean certificateOptional;

  public PeerIdentityInterceptor(RevocationList revocations, Set<Role> allowed) {
    this(revocations, allowed, false);
  }

  /**
   * With {@code certificateOptional}, a call without a client certificate goes on without an identity in the context
   * (the server then authenticates it another way); one with a certificate is checked as always.
   */
  public PeerIdentityInterceptor(RevocationList revocations, Set<Role> allowed, boolean certificateOptional) {
    this.certificateOptional = certificateOptional;
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException("a server takes calls from at least one role");
    }
    this.revocations = revocations;
    this.allowed = Set.copyOf(EnumSet.copyOf(allowed));
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    Optional<X509Certificate> certificate = session == null ? Optional.empty()
        : PeerIdentity.peerCertificate(session);
    if (certificate.isEmpty() && certificateOptional) {
      return next.startCall(call, headers);
    }
    if (certificate.isEmpty()) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription(
          "mutual-tls: this server takes calls over mutual TLS only, with a certificate from the federation CA"));
    }
    Optional<Status> refusal = refusal(revocations, certificate.get());
    if (refusal.isPresent()) {
      return refuse(call, refusal.get());
    }
    Optional<PeerIdentity> identity = PeerIdentity.of(certificate.get());
    if (!allowed.contains(identity.get().role())) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription("peer-role: this server takes calls from "
          + allowed.stream().map(Role::label).sorted().collect(Collectors.joining(", ")) + " only, and the caller is a "
          + identity.get().role()));
    }
    Context context = Context.current().withValue(PeerIdentity.CONTEXT_KEY, identity.get());
    return Contexts.interceptCall(context, call, headers, next);
  }

  /**
   * Why a verified client {@code certificate} is refused whatever the server takes: {@code UNAUTHENTICATED} when
   * {@code revocations} (the list in force) has it revoked, {@code PERMISSION_DENIED} when it names no holder or no
   * role; empty when neither. For other servers of the same callers (the coordinator's web port), so that they
   * refuse as gRPC does, word for word.
   */
  public static Optional<Status> refusal(RevocationList revocations, X509Certificate certificate) {
    if (revocations.isRevoked(certificate)) {
      return Optional.of(Status.UNAUTHENTICATED.withDescription(
          "certificate-revoked: the caller's certificate was revoked by the federation CA"));
    }
    if (PeerIdentity.of(certificate).isEmpty()) {
      return Optional.of(Status.PERMISSION_DENIED.withDescription(
          "peer-role: the caller's certificate names no holder (CN) or no role (OU=" + Role.labels().replace(", ", "|")
              + ")"));
    }
    return Optional.empty();
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
