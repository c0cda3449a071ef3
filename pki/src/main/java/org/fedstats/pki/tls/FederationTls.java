package org.fedstats.pki.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSslSessionContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;

/**
 * One member's mutual-TLS setup, read from its {@link TlsFiles}: the gRPC (Netty) TLS contexts for its server and
 * its client side, both trusting only the federation CA and refusing revoked certificates, and the interceptor that
 * tells a server who is calling. TLS 1.3 only.
 *
 * <pre>{@code
 * FederationTls tls = FederationTls.load(TlsFiles.inFolder(Path.of("/etc/fedstats/tls"), "site1"));
 * Server server = NettyServerBuilder.forAddress(address).sslContext(tls.serverContext())
 *     .addService(ServerInterceptors.intercept(service, tls.interceptor(Set.of(Role.COORDINATOR)))).build();
 * ManagedChannel channel = NettyChannelBuilder.forTarget("node1.example:7051").sslContext(tls.clientContext())
 *     .build();
 * }</pre>
 */
public final class FederationTls {
  private static final List<String> PROTOCOLS = List.of("TLSv1.3");

  private final OwnCertificate own;
  private final X509Certificate ca;
  private final RevocationList revocations;
  private final FederationTrustManager trustManager;

  private FederationTls(OwnCertificate own, X509Certificate ca, RevocationList revocations) {
    this.own = own;
    this.ca = ca;
    this.revocations = revocations;
    this.trustManager = new FederationTrustManager(ca, revocations);
  }

  /** The setup in {@code files}, looking at the files for a change every {@link TlsFiles#refresh()}. */
  public static FederationTls load(TlsFiles files) {
    return load(files, files.refresh(), Clock.systemUTC());
  }

  /**
   * The setup in {@code files}, looking at the revocation list, the key and the certificate for a change every
   * {@code refresh}. Fails, naming the file, if one cannot be read, the certificate was not issued by the CA, or
   * the key does not belong to the certificate.
   */
  public static FederationTls load(TlsFiles files, Duration refresh, Clock clock) {
    X509Certificate ca = Pem.readCertificate(files.caCertificate());
    OwnCertificate own = OwnCertificate.load(files.withRefresh(refresh), ca, clock);
    RevocationList revocations = files.crl()
        .map(crl -> RevocationList.load(crl, ca, refresh, clock)).orElseGet(() -> RevocationList.none(ca));
    return new FederationTls(own, ca, revocations);
  }

  /**
   * A server context that requires a client certificate from the federation CA (mutual TLS) and presents this
   * member's certificate as it is on disk (a renewed one from the next handshake on).
   */
  public SslContext serverContext() {
    return serverContext(true);
  }

  /**
   * A server context that asks for a client certificate from the federation CA, and requires one if
   * {@code requireClientCertificate} (otherwise a client may come without, to be authenticated another way, e.g. by
   * a bearer token; a certificate it presents is still checked).
   */
  public SslContext serverContext(boolean requireClientCertificate) {
    try {
      return withoutResumption(GrpcSslContexts.configure(SslContextBuilder.forServer(own))
          .clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
          .trustManager(trustManager).protocols(PROTOCOLS).build());
    } catch (SSLException e) {
      throw new PkiException("cannot make the server's TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * The JDK's TLS context (for the JDK's HTTPS server): it presents this member's certificate as it is on disk and
   * checks a client certificate, when one is presented, against the federation CA and the revocation list in force.
   * Whether a client must present one is the server's {@link javax.net.ssl.SSLParameters} choice.
   */
  public javax.net.ssl.SSLContext jdkContext() {
    try {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
      context.init(new javax.net.ssl.KeyManager[] {own}, new javax.net.ssl.TrustManager[] {trustManager}, null);
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new PkiException("cannot make the JDK's TLS context: " + e.getMessage(), e);
    }
  }

  /** The TLS protocol versions every context takes. */
  public static List<String> protocols() {
    return PROTOCOLS;
  }

  /** A client context that presents this member's certificate and trusts only servers the federation CA vouches for. */
  public SslContext clientContext() {
    try {
      return withoutResumption(GrpcSslContexts.configure(SslContextBuilder.forClient()).keyManager(own)
          .trustManager(trustManager).protocols(PROTOCOLS).build());
    } catch (SSLException e) {
      throw new PkiException("cannot make the client's TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * A client context without a certificate of its own, trusting only servers the federation CA in {@code caFile}
   * vouches for: for a researcher who authenticates to the coordinator with a bearer token.
   */
  public static SslContext clientContextTrusting(java.nio.file.Path caFile) {
    X509Certificate ca = Pem.readCertificate(caFile);
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forClient())
          .trustManager(new FederationTrustManager(ca, RevocationList.none(ca))).protocols(PROTOCOLS).build();
    } catch (SSLException e) {
      throw new PkiException("cannot make the client's TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * A client context like {@link #clientContext()} that also pins the server: its certificate must name the holder
   * {@code name} with the role {@code role} (an outbound node pins its coordinator), else the handshake fails saying
   * whose certificate it was. {@link Pinned#accepted()} then names the server for the audit log.
   */
  public Pinned pinnedClientContext(Role role, String name) {
    PinnedServerTrustManager pinned = new PinnedServerTrustManager(trustManager, role, name);
    try {
      return new Pinned(withoutResumption(GrpcSslContexts.configure(SslContextBuilder.forClient()).keyManager(own)
          .trustManager(pinned).protocols(PROTOCOLS).build()), pinned);
    } catch (SSLException e) {
      throw new PkiException("cannot make the client's TLS context: " + e.getMessage(), e);
    }
  }

  /** A client context pinned to one server, and the identity of the server it last accepted. */
  public static final class Pinned {
    private final SslContext context;
    private final PinnedServerTrustManager trust;

    private Pinned(SslContext context, PinnedServerTrustManager trust) {
      this.context = context;
      this.trust = trust;
    }

    public SslContext context() {
      return context;
    }

    /** The server's verified identity, once a handshake has accepted it. */
    public java.util.Optional<PeerIdentity> accepted() {
      return trust.accepted();
    }
  }

  /**
   * {@code context} with its TLS session cache off: every new connection makes a full handshake, in which each side
   * presents its certificate as it is on disk now and checks the other's against the revocation list in force. A
   * resumed session would carry the certificates of the connection it came from. gRPC keeps its connections open,
   * so the cost is one handshake per connection. (Netty's native TLS, which gRPC ships for the usual platforms;
   * the JDK's TLS, used where it is missing, keeps its cache.)
   */
  private static SslContext withoutResumption(SslContext context) {
    if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
      sessions.setSessionCacheEnabled(false);
    }
    return context;
  }

  /** The interceptor that identifies callers and takes calls from these roles only. */
  public PeerIdentityInterceptor interceptor(Set<Role> allowed) {
    return new PeerIdentityInterceptor(revocations, allowed);
  }

  /**
   * The interceptor that identifies callers with a certificate and takes calls from these roles only, letting
   * callers without a certificate through without an identity (for a server whose context does not require one).
   */
  public PeerIdentityInterceptor interceptorAllowingNoCertificate(Set<Role> allowed) {
    return new PeerIdentityInterceptor(revocations, allowed, true);
  }

  /** The trust manager both contexts use. */
  public FederationTrustManager trustManager() {
    return trustManager;
  }

  /** The revocation list in force. */
  public RevocationList revocations() {
    return revocations;
  }

  /** The federation CA's certificate. */
  public X509Certificate caCertificate() {
    return ca;
  }

  /** This member's own certificate, as presented now. */
  public X509Certificate certificate() {
    return own.certificate();
  }
}
