package org.fedstats.pki.tls;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
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
  /** How often the revocation list file is looked at for a change, unless said otherwise. */
  public static final Duration DEFAULT_CRL_CHECK_INTERVAL = Duration.ofSeconds(30);
  private static final List<String> PROTOCOLS = List.of("TLSv1.3");

  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final X509Certificate ca;
  private final RevocationList revocations;
  private final FederationTrustManager trustManager;

  private FederationTls(PrivateKey key, X509Certificate[] chain, X509Certificate ca, RevocationList revocations) {
    this.key = key;
    this.chain = chain;
    this.ca = ca;
    this.revocations = revocations;
    this.trustManager = new FederationTrustManager(ca, revocations);
  }

  /** The setup in {@code files}, looking at the revocation list for a change every 30 seconds. */
  public static FederationTls load(TlsFiles files) {
    return load(files, DEFAULT_CRL_CHECK_INTERVAL, Clock.systemUTC());
  }

  /**
   * The setup in {@code files}. Fails, naming the file, if one cannot be read, the certificate was not issued by
   * the CA, or the key does not belong to the certificate.
   */
  public static FederationTls load(TlsFiles files, Duration crlCheckInterval, Clock clock) {
    X509Certificate ca = Pem.readCertificate(files.caCertificate());
    X509Certificate[] chain = Pem.readCertificates(files.certificateChain()).toArray(X509Certificate[]::new);
    PrivateKey key = Pem.readPrivateKey(files.key());
    try {
      chain[0].verify(ca.getPublicKey());
    } catch (Exception e) {
      throw new PkiException(files.certificateChain() + " was not issued by the federation CA in "
          + files.caCertificate());
    }
    if (!belong(key, chain[0])) {
      throw new PkiException(files.key() + " is not the key of " + files.certificateChain());
    }
    RevocationList revocations = files.crl()
        .map(crl -> RevocationList.load(crl, ca, crlCheckInterval, clock)).orElseGet(() -> RevocationList.none(ca));
    return new FederationTls(key, chain, ca, revocations);
  }

  private static boolean belong(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
    byte[] probe = "fedstats key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A server context that requires a client certificate from the federation CA (mutual TLS). */
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
      return GrpcSslContexts.configure(SslContextBuilder.forServer(key, chain))
          .clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
          .trustManager(trustManager).protocols(PROTOCOLS).build();
    } catch (SSLException e) {
      throw new PkiException("cannot make the server's TLS context: " + e.getMessage(), e);
    }
  }

  /** A client context that presents this member's certificate and trusts only servers the federation CA vouches for. */
  public SslContext clientContext() {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forClient()).keyManager(key, chain)
          .trustManager(trustManager).protocols(PROTOCOLS).build();
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
      return new Pinned(GrpcSslContexts.configure(SslContextBuilder.forClient()).keyManager(key, chain)
          .trustManager(pinned).protocols(PROTOCOLS).build(), pinned);
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

  /** This member's own certificate. */
  public X509Certificate certificate() {
    return chain[0];
  }
}
