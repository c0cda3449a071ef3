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
    try {
      return withoutResumption(GrpcSslContexts.configure(SslContextBuilder.forServer(own))
          .clientAuth(ClientAuth.REQUIRE).trustManager(trustManager).protocols(PROTOCOLS).build());
    } catch (SSLException e) {
      throw new PkiException("cannot make the server's TLS context: " + e.getMessage(), e);
    }
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
