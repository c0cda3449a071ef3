package org.fedstats.pki.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.fedstats.pki.Crypto;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import javax.net.ssl.SSLSession;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.testing.LogCapture;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS over real Netty on 127.0.0.1: a node serving the gRPC health service to callers the CA vouches for. */
class MutualTlsTest {
  @TempDir
  Path tmp;

  private FederationCa ca;
  private FederationTls node;
  private Server server;
  private final List<PeerIdentity> seen = new CopyOnWriteArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** The health service, noting who called. */
  private final class Health extends HealthGrpc.HealthImplBase {
    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
      seen.add(PeerIdentity.current().orElseThrow());
      response.onNext(HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
      response.onCompleted();
    }
  }

  @BeforeEach
  void startNode() throws IOException {
    ca = Issuing.newCa(tmp.resolve("ca"), "Example Federation CA");
    TlsFiles files = Issuing.issue(ca, tmp.resolve("site1"), "site1", Issuing.server("site1", Role.NODE));
    // Look at the revocation list on every handshake and call: no waiting in the tests.
    node = FederationTls.load(files, Duration.ZERO, Clock.systemUTC());
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(node.serverContext())
        .addService(ServerInterceptors.intercept(new Health(), node.interceptor(Set.of(Role.COORDINATOR,
            Role.RESEARCHER))))
        .build().start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  private ManagedChannel channel(SslContext context) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).sslContext(context)
        .build();
    channels.add(channel);
    return channel;
  }

  private static HealthCheckResponse.ServingStatus check(Channel channel) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  private SslContext client(TlsFiles files) {
    return FederationTls.load(files.withoutCrl()).clientContext();
  }

  private static void assertRefused(ManagedChannel channel, Status.Code... codes) {
    assertThatThrownBy(() -> check(channel)).isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isIn((Object[]) codes));
  }

  @Test
  void aResearcherSignedByTheCaIsServedAndIdentified() {
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    assertThat(check(channel(client(alice)))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(seen).singleElement().satisfies(p -> {
      assertThat(p.commonName()).isEqualTo("alice");
      assertThat(p.role()).isEqualTo(Role.RESEARCHER);
      assertThat(p.serial()).isEqualTo(ca.list().getLast().serial());
    });
  }

  @Test
  void aCallerFromAnotherCaIsRejected() throws IOException {
    FederationCa other = Issuing.newCa(tmp.resolve("other-ca"), "Other CA");
    TlsFiles mallory = Issuing.issue(other, tmp.resolve("mallory"), "alice", Issuing.researcher("alice"));
    // Mallory trusts our CA, so only the server's check of her certificate stands in her way.
    SslContext context = GrpcSslContexts.forClient()
        .keyManager(mallory.certificateChain().toFile(), mallory.key().toFile())
        .trustManager(ca.certificateFile().toFile()).build();
    assertRefused(channel(context), Status.Code.UNAVAILABLE);
    assertThat(seen).isEmpty();
  }

  @Test
  void aServerFromAnotherCaIsRejectedByTheClient() throws IOException, InterruptedException {
    FederationCa other = Issuing.newCa(tmp.resolve("other-ca"), "Other CA");
    TlsFiles fake = Issuing.issue(other, tmp.resolve("fake"), "site1", Issuing.server("site1", Role.NODE));
    FederationTls impostor = FederationTls.load(fake.withoutCrl());
    Server fakeServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(impostor.serverContext()).addService(new Health()).build().start();
    try {
      TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", fakeServer.getPort())
          .sslContext(client(alice)).build();
      channels.add(channel);
      assertRefused(channel, Status.Code.UNAVAILABLE);
    } finally {
      fakeServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCallerWithoutCertificateIsRejected() throws Exception {
    SslContext anonymous = GrpcSslContexts.forClient().trustManager(node.caCertificate()).build();
    assertRefused(channel(anonymous), Status.Code.UNAVAILABLE);
    assertThat(seen).isEmpty();
  }

  @Test
  void aPlaintextCallerIsRejected() {
    ManagedChannel plain = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    channels.add(plain);
    assertRefused(plain, Status.Code.UNAVAILABLE, Status.Code.INTERNAL);
  }

  @Test
  void aRevokedCallerIsRejectedWhileTheServerKeepsRunning() {
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    ManagedChannel open = channel(client(alice));
    assertThat(check(open)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    ca.revoke(ca.list().getLast().serial(), "keyCompromise");

    // A new connection fails its handshake; the connection made before is refused at its next call.
    assertRefused(channel(client(alice)), Status.Code.UNAVAILABLE);
    assertThatThrownBy(() -> check(open)).isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED").hasMessageContaining("certificate-revoked");
    assertThat(seen).hasSize(1);
  }

  @Test
  void anExpiredCertificateIsRejected() {
    FederationCa past = FederationCa.open(tmp.resolve("ca"),
        Clock.fixed(Instant.now().minus(Duration.ofDays(400)), ZoneOffset.UTC));
    TlsFiles old = Issuing.issue(past, tmp.resolve("old"), "alice", Issuing.researcher("alice"));
    assertRefused(channel(client(old)), Status.Code.UNAVAILABLE);
    assertThat(seen).isEmpty();
  }

  @Test
  void aRoleTheServerDoesNotTakeIsDenied() {
    TlsFiles other = Issuing.issue(ca, tmp.resolve("site2"), "site2", Issuing.server("site2", Role.NODE));
    assertThatThrownBy(() -> check(channel(client(other)))).isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("peer-role")
        .hasMessageContaining("the caller is a node");
  }

  @Test
  void aClientOnlyCertificateCannotServe() throws IOException, InterruptedException {
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    Server researcherServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(FederationTls.load(alice).serverContext()).addService(new Health()).build().start();
    try {
      TlsFiles coordinator = Issuing.issue(ca, tmp.resolve("coord"), "coordinator",
          Issuing.server("coordinator", Role.COORDINATOR));
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", researcherServer.getPort())
          .sslContext(client(coordinator)).build();
      channels.add(channel);
      assertRefused(channel, Status.Code.UNAVAILABLE);
    } finally {
      researcherServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void rotationKeepsBothCertificatesValidUntilOneIsRevoked() {
    TlsFiles first = Issuing.issue(ca, tmp.resolve("alice-2026"), "alice", Issuing.researcher("alice"));
    String firstSerial = ca.list().getLast().serial();
    TlsFiles second = Issuing.issue(ca, tmp.resolve("alice-2027"), "alice", Issuing.researcher("alice"));
    assertThat(check(channel(client(first)))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(check(channel(client(second)))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(seen).extracting(PeerIdentity::commonName).containsExactly("alice", "alice");
    assertThat(seen.get(0).serial()).isNotEqualTo(seen.get(1).serial());

    ca.revoke(firstSerial, "superseded");
    assertRefused(channel(client(first)), Status.Code.UNAVAILABLE);
    assertThat(check(channel(client(second)))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void theServerChecksAClientsNameAgainstItsCertificate() {
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    // The node's certificate is for 127.0.0.1 and localhost; reached as another name, the client refuses it.
    ManagedChannel wrongName = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
        .overrideAuthority("node9.hospital.example").sslContext(client(alice)).build();
    channels.add(wrongName);
    assertRefused(wrongName, Status.Code.UNAVAILABLE);
  }

  /** {@code channel}, noting the serial number of the certificate the server presented on each call's connection. */
  private static Channel noting(ManagedChannel channel, List<String> presented) {
    return ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            ClientCall<Q, R> call = this;
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onHeaders(Metadata received) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                PeerIdentity.peerCertificate(session).ifPresent(c -> presented.add(Crypto.hex(c.getSerialNumber())));
                super.onHeaders(received);
              }
            }, headers);
          }
        };
      }
    });
  }

  /** Moves the renewed {@code file} of {@code renewed} over the one in {@code member}, as an operator would. */
  private static void install(Path renewed, Path member, String file) throws IOException {
    Files.move(renewed.resolve(file), member.resolve(file), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aRenewedServerCertificateIsPresentedAtTheNextHandshakeWithoutARestart() throws IOException {
    String first = ca.list().getLast().serial();
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    List<String> presented = new CopyOnWriteArrayList<>();
    ManagedChannel open = channel(client(alice));
    assertThat(check(noting(open, presented))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(presented).containsOnly(first);

    // The node's operator renews: a new key and request, signed, then the files moved over the old ones.
    Issuing.issue(ca, tmp.resolve("site1-renewed"), "site1", Issuing.server("site1", Role.NODE));
    String renewed = ca.list().getLast().serial();
    // The certificate first: the new certificate with the old key is not a pair, so the old one stays in use.
    install(tmp.resolve("site1-renewed"), tmp.resolve("site1"), "site1.crt");
    presented.clear();
    try (LogCapture log = LogCapture.of(OwnCertificate.class)) {
      assertThat(check(noting(channel(client(alice)), presented))).isEqualTo(
          HealthCheckResponse.ServingStatus.SERVING);
      assertThat(log.messages(Level.WARNING)).singleElement().asString()
          .contains("still presenting certificate " + first).contains("is not the key of");
    }
    assertThat(presented).containsOnly(first);
    // Then the key: the next handshake presents the renewed certificate.
    install(tmp.resolve("site1-renewed"), tmp.resolve("site1"), "site1.key");
    presented.clear();
    assertThat(check(noting(channel(client(alice)), presented))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(presented).containsOnly(renewed);
    assertThat(Crypto.hex(node.certificate().getSerialNumber())).isEqualTo(renewed);
    // The connection opened before keeps working.
    assertThat(check(open)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void aRenewedClientCertificateIsPresentedAtTheNextHandshake() throws IOException {
    TlsFiles alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    String first = ca.list().getLast().serial();
    FederationTls client = FederationTls.load(alice.withoutCrl(), Duration.ZERO, Clock.systemUTC());
    SslContext context = client.clientContext();
    assertThat(check(channel(context))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    Issuing.issue(ca, tmp.resolve("alice-renewed"), "alice", Issuing.researcher("alice"));
    String renewed = ca.list().getLast().serial();
    install(tmp.resolve("alice-renewed"), tmp.resolve("alice"), "alice.key");
    install(tmp.resolve("alice-renewed"), tmp.resolve("alice"), "alice.crt");
    // The same context, as the coordinator keeps one per node: no resumed session carries the old certificate.
    assertThat(check(channel(context))).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(seen).extracting(PeerIdentity::serial).containsExactly(first, renewed);
  }
}
