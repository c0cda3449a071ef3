package org.fedstats.coordinator;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.fedstats.common.HostPort;
import org.fedstats.common.grpc.ParseGuard;
import org.fedstats.common.grpc.Probes;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.audit.RequestAudit;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.dashboard.DashboardRoutes;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.federation.NodeClient;
import org.fedstats.coordinator.federation.PendingResults;
import org.fedstats.coordinator.identity.Authenticator;
import org.fedstats.coordinator.identity.OidcVerifier;
import org.fedstats.coordinator.identity.StatementIssuer;
import org.fedstats.coordinator.link.NodeLinkService;
import org.fedstats.coordinator.link.NodeLinks;
import org.fedstats.coordinator.monitor.MonitorFeed;
import org.fedstats.coordinator.service.FederationGrpcService;
import org.fedstats.coordinator.service.RequesterInterceptor;
import org.fedstats.coordinator.service.ResearcherHttpApi;
import org.fedstats.coordinator.web.Route;
import org.fedstats.coordinator.web.WebServer;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.PeerIdentity;
import org.fedstats.pki.tls.PeerIdentityInterceptor;
import org.fedstats.pki.tls.TlsConfig;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.pki.statement.StatementSigner;

/** A running coordinator: its node connections, periodic health checks and the researcher-facing gRPC server. */
public final class Coordinator implements AutoCloseable {
  /** gRPC's hard limit on a researcher's message; {@link org.fedstats.common.Contract#MAX_REQUEST_BYTES} is the checked one. */
  public static final int MAX_INBOUND_BYTES = 1024 * 1024;
  /** How often the dashboard records each node's state and the coordinator's load. */
  private static final Duration DASHBOARD_TICK = Duration.ofSeconds(1);
  /** Requests the web port handles at once beyond twice {@code max-concurrent-requests}: pages and their data. */
  private static final int WEB_PAGE_HANDLERS = 16;

  private final Federation federation;
  private final Server server;
  private final ScheduledExecutorService health;
  private final ExecutorService work;
  private final RequestAudit audit;
  private final NodeLinks links;
  private final Server nodeServer;
  private final Probes probes;
  private final Duration grace;
  private final WebServer web;

  private Coordinator(Federation federation, Server server, ScheduledExecutorService health,
      ExecutorService work, RequestAudit audit, NodeLinks links, Server nodeServer, Probes probes, Duration grace,
      WebServer web) {
    this.web = web;
    this.federation = federation;
    this.server = server;
    this.health = health;
    this.work = work;
    this.audit = audit;
    this.links = links;
    this.nodeServer = nodeServer;
    this.probes = probes;
    this.grace = grace;
  }

  /**
   * Starts over Netty, connecting to each node at its configured address, with keep-alive pings while calls are in
   * flight so a dead link is noticed. With TLS files in the settings, researchers are served over mutual TLS (their
   * certificates must have the researcher role) and nodes are dialled over mutual TLS with the coordinator's
   * certificate; without, both are plaintext (with a warning).
   */
  public static Coordinator start(CoordinatorSettings settings, MeterRegistry meters) throws IOException {
    TlsConfig.logTransport("coordinator", settings.tls());
    Optional<FederationTls> tls;
    try {
      tls = settings.tls().map(FederationTls::load);
    } catch (PkiException e) {
      throw new IOException("coordinator cannot set up mutual TLS: " + e.getMessage(), e);
    }
    ExecutorService work = workers();
    NettyServerBuilder listener = listener(settings);
    // Researchers with a bearer token need no certificate; a certificate presented is still checked.
    boolean tokens = settings.identity().oidc().isPresent();
    tls.ifPresent(t -> listener.sslContext(t.serverContext(!tokens)));
    return start(settings, meters, work, listener, address -> {
      NettyChannelBuilder channel = NettyChannelBuilder.forTarget(address);
      if (tls.isPresent()) {
        channel.sslContext(tls.get().clientContext());
      } else {
        channel.usePlaintext();
      }
      return channel
          .executor(work)
          .keepAliveTime(settings.nodeKeepalive().toMillis(), TimeUnit.MILLISECONDS)
          .keepAliveTimeout(settings.healthTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .build();
    }, Analyses.builtIn(), listenFailure(settings), tls);
  }

  /** Serves researchers over Netty at the configured address, with node channels made by {@code channels}. */
  public static Coordinator start(CoordinatorSettings settings, MeterRegistry meters,
      Function<String, ManagedChannel> channels) throws IOException {
    return start(settings, meters, workers(), listener(settings), channels, Analyses.builtIn(),
        listenFailure(settings), Optional.empty());
  }

  /**
   * Serves researchers on {@code server} (tests pass an in-process builder), wired as over Netty: the worker pool,
   * the inbound message limit, the parse guard and the requester's identity; node channels are made by
   * {@code channels}. The settings' listen address and connection limits are not used: they are the transport's.
   */
  public static Coordinator start(CoordinatorSettings settings, MeterRegistry meters, ServerBuilder<?> server,
      Function<String, ManagedChannel> channels) throws IOException {
    return start(settings, meters, server, channels, Analyses.builtIn());
  }

  /** {@link #start(CoordinatorSettings, MeterRegistry, ServerBuilder, Function)}, running {@code analyses}. */
  public static Coordinator start(CoordinatorSettings settings, MeterRegistry meters, ServerBuilder<?> server,
      Function<String, ManagedChannel> channels, Analyses analyses) throws IOException {
    return start(settings, meters, workers(), server, channels, analyses,
        e -> new IOException("coordinator cannot start serving: " + e.getMessage(), e), Optional.empty());
  }

  /** The Netty server at the configured address, with the configured connection limits. */
  private static NettyServerBuilder listener(CoordinatorSettings settings) {
    return settings.server().applyTo(NettyServerBuilder.forAddress(
        new InetSocketAddress(settings.host(), settings.port())));
  }

  private static Function<IOException, IOException> listenFailure(CoordinatorSettings settings) {
    return e -> new IOException("coordinator cannot listen on " + settings.host() + ":" + settings.port() + ": "
        + (HostPort.inUse(e) ? "the address is in use (is another coordinator running?)" : e.getMessage()), e);
  }

  /**
   * A small fixed pool runs the researcher-facing calls and the node answers' callbacks. Nothing in them waits on
   * a node (fan-out is asynchronous), so load is bounded by {@code max-concurrent-requests}, not by threads.
   */
  private static ExecutorService workers() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), r -> {
      Thread t = new Thread(r, "coordinator-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static Coordinator start(CoordinatorSettings settings, MeterRegistry meters, ExecutorService work,
      ServerBuilder<?> transport, Function<String, ManagedChannel> channels, Analyses analyses,
      Function<IOException, IOException> cannotStart, Optional<FederationTls> tls)
      throws IOException {
    // Researchers with a bearer token need no certificate; a certificate presented is still checked.
    boolean tokens = settings.identity().oidc().isPresent();
    Optional<PeerIdentityInterceptor> identities = tls.map(t -> tokens
        ? t.interceptorAllowingNoCertificate(Set.of(Role.RESEARCHER)) : t.interceptor(Set.of(Role.RESEARCHER)));
    List<NodeClient> clients = new ArrayList<>();
    Federation federation;
    Server server = null;
    Server nodeServer = null;
    WebServer web = null;
    MonitorFeed dashboard = null;
    boolean serving = false;
    RequestAudit audit = RequestAudit.NONE;
    // One health status for every port: all turn NOT_SERVING when the coordinator stops.
    Probes probes = new Probes();
    NodeLinks links = new NodeLinks(settings.outboundNodes(), settings.nodeLinkKeepalive(),
        tls.flatMap(t -> PeerIdentity.of(t.certificate())).map(PeerIdentity::commonName).orElse("coordinator"));
    try {
      Authenticator authenticator = new Authenticator(settings.identity().oidc().isPresent()
          ? Optional.of(new OidcVerifier(settings.identity().oidc().get())) : Optional.empty(), identities.isPresent());
      StatementIssuer statements = statementIssuer(settings);
      if (settings.auditLog() != null) {
        audit = RequestAudit.open(settings.auditLog());
      }
      for (CoordinatorSettings.NodeAddress n : settings.nodes()) {
        if (n.outbound()) {
          NodeClient client = new NodeClient(n.id(), links.transport(n.id()), meters);
          links.client(client);
          clients.add(client);
        } else {
          clients.add(new NodeClient(n.id(), n.address(), channels.apply(n.address()), meters));
        }
      }
      federation = new Federation(clients, settings.nodeDeadline(), settings.maxConcurrentRequests(), analyses,
          settings.pendingFolder().map(PendingResults::in).orElseGet(PendingResults::inMemory), statements);
      FederationGrpcService researchers = new FederationGrpcService(federation, audit, meters);
      var service = ServerInterceptors.intercept(ParseGuard.guard(researchers.bindService()),
          new RequesterInterceptor(authenticator));
      // Over mutual TLS the verified identity goes first: RequesterInterceptor finds it in the context.
      transport
          .executor(work)
          .maxInboundMessageSize(MAX_INBOUND_BYTES)
          .addService(identities.map(i -> ServerInterceptors.intercept(service, i)).orElse(service));
      // Health and reflection answer whom the researcher service answers (under mutual TLS: researchers).
      probes.addTo(transport, identities);
      server = transport.build();
      server.start();
      serving = true;
      if (settings.nodeListen().isPresent()) {
        nodeServer = nodePort(settings, work, links, tls, probes);
      }
      if (settings.webListen().isPresent()) {
        dashboard = MonitorFeed.watch(federation, Clock.systemUTC(), settings.dashboardViewers());
        web = WebServer.start(settings.webListen().get(), tls, tokens, authenticator, webRoutes(federation,
            researchers, ResearcherHttpApi.waitFor(settings.nodeDeadline()), dashboard),
            // The analyses the federation takes at once, as many waiting to be refused, and the dashboard's own.
            2 * settings.maxConcurrentRequests() + WEB_PAGE_HANDLERS);
      }
    } catch (IOException | RuntimeException e) {
      if (web != null) {
        web.close();
      }
      if (server != null) {
        server.shutdownNow();
      }
      if (nodeServer != null) {
        nodeServer.shutdownNow();
      }
      links.close();
      clients.forEach(NodeClient::close);
      work.shutdownNow();
      audit.close();
      if (e instanceof IOException io) {
        // Once researchers are served, a failure to listen is the node port's, and says so itself.
        throw serving ? io : cannotStart.apply(io);
      }
      throw e;
    }
    // Learn what the nodes hold before the first request, then keep watching them.
    federation.refresh(settings.healthTimeout()).join();
    ScheduledExecutorService health = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "node-health");
      t.setDaemon(true);
      return t;
    });
    federation.watch(health, settings.healthInterval(), settings.probeInterval(), settings.healthTimeout());
    if (dashboard != null) {
      health.scheduleWithFixedDelay(dashboard::tick, DASHBOARD_TICK.toMillis(), DASHBOARD_TICK.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return new Coordinator(federation, server, health, work, audit, links, nodeServer, probes,
        settings.operations().shutdownGrace(), web);
  }

  /**
   * What the web port serves: the researcher HTTP/JSON API, whose analyses go through {@code researchers}, the gRPC
   * researcher service, and wait at most {@code wait}; and the health dashboard.
   */
  private static List<Route> webRoutes(Federation federation, FederationGrpcService researchers, Duration wait,
      MonitorFeed dashboard) {
    List<Route> routes = new ArrayList<>(new ResearcherHttpApi(federation, researchers, wait).routes());
    routes.addAll(DashboardRoutes.of(dashboard));
    return routes;
  }

  /**
   * The port outbound nodes dial, over Netty (also when researchers are served in process): over mutual TLS only
   * certificates of the node role get through (and {@link NodeLinks} checks the name); HTTP/2 keep-alive pings at
   * the link keep-alive find a dead connection even between heartbeats. Health and reflection are served there too,
   * to the same callers.
   */
  private static Server nodePort(CoordinatorSettings settings, ExecutorService work, NodeLinks links,
      Optional<FederationTls> tls, Probes probes) throws IOException {
    Optional<PeerIdentityInterceptor> nodes = tls.map(t -> t.interceptor(Set.of(Role.NODE)));
    HostPort at = settings.nodeListen().orElseThrow();
    long keepalive = settings.nodeLinkKeepalive().toMillis();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(at.host(), at.port()))
        .executor(work)
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .keepAliveTime(keepalive, TimeUnit.MILLISECONDS)
        .keepAliveTimeout(keepalive, TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(Math.max(1, keepalive / 3), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(new NodeLinkService(links).definition(nodes));
    probes.addTo(builder, nodes);
    tls.ifPresent(t -> builder.sslContext(t.serverContext()));
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new IOException("coordinator cannot listen for nodes on " + at + ": " + (HostPort.inUse(e)
          ? "the address is in use" : e.getMessage()), e);
    }
  }

  /**
   * Who signs the statements of who asked that go with each node request: the {@code identity-signing} key, else the
   * coordinator's TLS key; without either, requests go unsigned (nodes that require statements refuse them).
   */
  private static StatementIssuer statementIssuer(CoordinatorSettings settings) throws IOException {
    Optional<TlsFiles> files = settings.identity().signing().or(settings::tls);
    if (files.isEmpty()) {
      return StatementIssuer.NONE;
    }
    try {
      return StatementIssuer.with(StatementSigner.load(files.get(), settings.identity().statementLifetime()));
    } catch (PkiException e) {
      throw new IOException("coordinator cannot sign identity statements with " + files.get().key() + ": "
          + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  /** The port outbound nodes dial; -1 without {@code node-listen}. */
  public int nodePort() {
    return nodeServer == null ? -1 : nodeServer.getPort();
  }

  /** Where the dashboard and the HTTP API are served, e.g. {@code https://127.0.0.1:8443}; empty without a web port. */
  public Optional<String> webUrl() {
    return Optional.ofNullable(web).map(WebServer::url);
  }

  public Federation federation() {
    return federation;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops taking requests (health turns NOT_SERVING; new calls are refused UNAVAILABLE), lets those in flight finish
   * on the gRPC and the web port alike (up to {@code shutdown-grace-ms}; their nodes' links stay open meanwhile),
   * then closes the node links.
   */
  @Override
  public void close() {
    probes.stopping();
    health.shutdownNow();
    // The web port drains its requests in flight alongside the gRPC port, within the same grace.
    java.util.concurrent.CompletableFuture<Void> webStopped = web == null
        ? java.util.concurrent.CompletableFuture.completedFuture(null) : web.stop(grace);
    if (nodeServer != null) {
      // No new node links; those open carry the requests in flight.
      nodeServer.shutdown();
    }
    Probes.drain(server, grace);
    webStopped.join();
    federation.close();
    links.close();
    if (nodeServer != null) {
      nodeServer.shutdownNow();
    }
    work.shutdownNow();
    try {
      audit.close();
    } catch (IOException e) {
      // Every entry was forced to disk when written; nothing is lost.
    }
  }
}
