package org.fedstats.coordinator.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.fedstats.common.HostPort;
import org.fedstats.common.config.Yaml;
import org.fedstats.common.grpc.ServerLimits;
import org.fedstats.coordinator.identity.IdentitySettings;
import org.fedstats.coordinator.identity.OidcSettings;
import org.fedstats.pki.statement.StatementSigner;
import org.fedstats.common.ops.Operations;
import org.fedstats.pki.tls.TlsConfig;
import org.fedstats.pki.tls.TlsFiles;

/**
 * A coordinator's validated configuration: where it listens, its nodes, how long it waits for them, how it watches
 * their health, and how much work it takes on at once.
 *
 * @param nodeDeadline how long a fan-out waits for a node's answer
 * @param healthInterval how often a node that is up is checked
 * @param probeInterval how often a node that is down is probed; until a probe succeeds, requests skip it at once
 * @param healthTimeout how long a health check waits for the node
 * @param maxConcurrentRequests research requests in flight at once; more are refused with RESOURCE_EXHAUSTED
 * @param nodeKeepalive interval of HTTP/2 pings on node links while calls are in flight
 * @param auditLog the hash-chained log of research requests; null for none (settings made in code; a configuration
 *     file always has one, by default {@value #DEFAULT_AUDIT_LOG} beside it)
 * @param tls the coordinator's mutual-TLS files, for its researcher-facing server and as its client identity towards
 *     the nodes; empty: plaintext on both
 * @param nodeListen where outbound nodes dial in ({@code node-listen}); required when a node has no address
 * @param nodeLinkKeepalive an outbound node's stream on which nothing arrived for this long is taken as dead: the
 *     node is down and its steps in flight fail (the node sends a heartbeat every third of it)
 * @param pendingDir the folder of requests whose sites hold answers for review, kept until the researcher fetches
 *     them; null for {@value #DEFAULT_PENDING_DIR} beside the audit log, or memory only without an audit log
 * @param identity how researchers are authenticated besides certificates (OpenID Connect), and how the
 *     coordinator signs its identity statements to the nodes
 * @param operations the metrics port and the shutdown grace
 * @param webListen where the dashboard and the researcher HTTP/JSON API are served ({@code web-listen}); empty (the
 *     default): no web port
 * @param dashboardViewers the researchers ({@link org.fedstats.coordinator.identity.Researcher#name()}: a
 *     certificate's CN or a token's user name) who may see the dashboard's data ({@code dashboard-viewers}); empty
 *     (the default): every authenticated researcher. Refused on a coordinator that authenticates no one (plaintext
 *     without OpenID Connect), where anyone may claim a listed name.
 */
public record CoordinatorSettings(String host, int port, Duration nodeDeadline, Duration healthInterval,
    Duration probeInterval, Duration healthTimeout, int maxConcurrentRequests, Duration nodeKeepalive,
    ServerLimits server, List<NodeAddress> nodes, Path auditLog, Optional<TlsFiles> tls,
    Optional<HostPort> nodeListen, Duration nodeLinkKeepalive, Path pendingDir, IdentitySettings identity,
    Operations operations, Optional<HostPort> webListen, Optional<Set<String>> dashboardViewers) {
  public static final String DEFAULT_AUDIT_LOG = "coordinator-audit.jsonl";
  public static final String DEFAULT_PENDING_DIR = "coordinator-pending";
  public static final Duration DEFAULT_NODE_DEADLINE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(250);
  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 64;
  public static final Duration DEFAULT_NODE_KEEPALIVE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_NODE_LINK_KEEPALIVE = Duration.ofSeconds(10);

  public CoordinatorSettings {
    Objects.requireNonNull(host, "host");
    new HostPort(host, port);
    positive(nodeDeadline, "node-deadline-ms");
    positive(healthInterval, "health-interval-ms");
    positive(probeInterval, "probe-interval-ms");
    positive(healthTimeout, "health-timeout-ms");
    positive(nodeKeepalive, "node-keepalive-ms");
    positive(nodeLinkKeepalive, "node-link-keepalive-ms");
    Objects.requireNonNull(nodeListen, "nodeListen");
    Objects.requireNonNull(operations, "operations");
    Objects.requireNonNull(webListen, "webListen");
    dashboardViewers = Objects.requireNonNull(dashboardViewers, "dashboardViewers").map(Set::copyOf);
    if (dashboardViewers.isPresent()) {
      if (dashboardViewers.get().stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("dashboard-viewers lists researchers by name; a name is blank");
      }
      if (tls.isEmpty() && identity.oidc().isEmpty()) {
        throw new IllegalArgumentException("dashboard-viewers needs researchers the coordinator authenticates (tls "
            + "or oidc): on plaintext without oidc anyone may claim a listed name");
      }
    }
    if (maxConcurrentRequests < 1) {
      throw new IllegalArgumentException("max-concurrent-requests must be at least 1, not " + maxConcurrentRequests);
    }
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(identity, "identity");
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("a coordinator needs at least one node");
    }
    var ids = new HashSet<String>();
    var addresses = new HashSet<String>();
    for (NodeAddress n : nodes) {
      if (!ids.add(n.id())) {
        throw new IllegalArgumentException("node " + n.id() + " is listed twice");
      }
      if (n.outbound()) {
        if (nodeListen.isEmpty()) {
          throw new IllegalArgumentException("node " + n.id() + " has no address, so it dials in: node-listen "
              + "(host:port where outbound nodes connect) is required");
        }
      } else if (!addresses.add(n.address())) {
        throw new IllegalArgumentException("address " + n.address() + " is listed for two nodes");
      }
    }
  }

  /** Every authenticated researcher seeing the dashboard's data. */
  public CoordinatorSettings(String host, int port, Duration nodeDeadline, Duration healthInterval,
      Duration probeInterval, Duration healthTimeout, int maxConcurrentRequests, Duration nodeKeepalive,
      ServerLimits server, List<NodeAddress> nodes, Path auditLog, Optional<TlsFiles> tls,
      Optional<HostPort> nodeListen, Duration nodeLinkKeepalive, Path pendingDir, IdentitySettings identity,
      Operations operations, Optional<HostPort> webListen) {
    this(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout, maxConcurrentRequests, nodeKeepalive,
        server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive, pendingDir, identity, operations, webListen,
        Optional.empty());
  }

  /** Without a web port. */
  public CoordinatorSettings(String host, int port, Duration nodeDeadline, Duration healthInterval,
      Duration probeInterval, Duration healthTimeout, int maxConcurrentRequests, Duration nodeKeepalive,
      ServerLimits server, List<NodeAddress> nodes, Path auditLog, Optional<TlsFiles> tls,
      Optional<HostPort> nodeListen, Duration nodeLinkKeepalive, Path pendingDir, IdentitySettings identity,
      Operations operations) {
    this(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout, maxConcurrentRequests, nodeKeepalive,
        server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive, pendingDir, identity, operations,
        Optional.empty());
  }

  /** With the default operations (no metrics port). */
  public CoordinatorSettings(String host, int port, Duration nodeDeadline, Duration healthInterval,
      Duration probeInterval, Duration healthTimeout, int maxConcurrentRequests, Duration nodeKeepalive,
      ServerLimits server, List<NodeAddress> nodes, Path auditLog, Optional<TlsFiles> tls,
      Optional<HostPort> nodeListen, Duration nodeLinkKeepalive, Path pendingDir, IdentitySettings identity) {
    this(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout, maxConcurrentRequests, nodeKeepalive,
        server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive, pendingDir, identity, Operations.DEFAULT);
  }

  /** Without outbound nodes; requests waiting for review are kept beside the audit log. */
  public CoordinatorSettings(String host, int port, Duration nodeDeadline, Duration healthInterval,
      Duration probeInterval, Duration healthTimeout, int maxConcurrentRequests, Duration nodeKeepalive,
      ServerLimits server, List<NodeAddress> nodes, Path auditLog, Optional<TlsFiles> tls) {
    this(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout, maxConcurrentRequests, nodeKeepalive,
        server, nodes, auditLog, tls, Optional.empty(), DEFAULT_NODE_LINK_KEEPALIVE, null, IdentitySettings.DEFAULT);
  }

  /** Where requests waiting for review are kept: the configured folder, or beside the audit log; empty: memory. */
  public Optional<Path> pendingFolder() {
    if (pendingDir != null) {
      return Optional.of(pendingDir);
    }
    return Optional.ofNullable(auditLog).map(log -> log.resolveSibling(DEFAULT_PENDING_DIR));
  }

  /** Plaintext settings. */
  public CoordinatorSettings(String host, int port, Duration nodeDeadline, Duration healthInterval,
      Duration probeInterval, Duration healthTimeout, int maxConcurrentRequests, Duration nodeKeepalive,
      ServerLimits server, List<NodeAddress> nodes, Path auditLog) {
    this(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout, maxConcurrentRequests, nodeKeepalive,
        server, nodes, auditLog, Optional.empty());
  }

  static void positive(Duration d, String key) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive");
    }
  }

  /**
   * A node of the federation: its id (as the node itself reports it) and its gRPC address, host:port, where the
   * coordinator dials it; null for an outbound node, which dials the coordinator's {@code node-listen} port.
   */
  public record NodeAddress(String id, String address) {
    public NodeAddress {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("every node needs an id");
      }
      if (address != null) {
        HostPort.parse(address, "the address of node " + id);
      }
    }

    /** An outbound node: it dials in. */
    public boolean outbound() {
      return address == null;
    }
  }

  /** The ids of the outbound nodes. */
  public List<String> outboundNodes() {
    return nodes.stream().filter(NodeAddress::outbound).map(NodeAddress::id).toList();
  }

  public static CoordinatorSettings load(Path file) throws IOException {
    CoordinatorConfig c = Yaml.read(file, CoordinatorConfig.class, "coordinator configuration");
    try {
      CoordinatorSettings settings = of(c);
      Path base = file.toAbsolutePath().getParent();
      return settings.withAuditLog(base.resolve(c.auditLog() == null ? DEFAULT_AUDIT_LOG : c.auditLog()))
          .withTls(TlsConfig.choose(c.tls(), c.insecure(), base))
          .withPendingDir(base.resolve(c.pendingDir() == null ? DEFAULT_PENDING_DIR : c.pendingDir()))
          .withIdentity(identity(c, base))
          .withDashboardViewers(Optional.ofNullable(c.dashboardViewers()).map(Set::copyOf));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("invalid coordinator configuration " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The settings {@code c} gives before its files are read: no TLS, identity or {@code dashboard-viewers} (which
   * needs them); {@link #load} adds them.
   */
  public static CoordinatorSettings of(CoordinatorConfig c) {
    HostPort listen = HostPort.parse(c.listen() == null ? "127.0.0.1:50050" : c.listen(), "listen");
    List<NodeAddress> nodes = c.nodes() == null ? List.of()
        : c.nodes().stream().map(n -> new NodeAddress(n.id(), n.address())).toList();
    return new CoordinatorSettings(listen.host(), listen.port(),
        millis(c.nodeDeadlineMs(), DEFAULT_NODE_DEADLINE),
        millis(c.healthIntervalMs(), DEFAULT_HEALTH_INTERVAL),
        millis(c.probeIntervalMs(), DEFAULT_PROBE_INTERVAL),
        millis(c.healthTimeoutMs(), DEFAULT_HEALTH_TIMEOUT),
        c.maxConcurrentRequests() == null ? DEFAULT_MAX_CONCURRENT_REQUESTS : c.maxConcurrentRequests(),
        millis(c.nodeKeepaliveMs(), DEFAULT_NODE_KEEPALIVE),
        ServerLimits.DEFAULT.with(c.server()), nodes, c.auditLog() == null ? null : Path.of(c.auditLog()),
        Optional.empty(), Optional.ofNullable(c.nodeListen()).map(l -> HostPort.parse(l, "node-listen")),
        millis(c.nodeLinkKeepaliveMs(), DEFAULT_NODE_LINK_KEEPALIVE), c.pendingDir() == null ? null
            : Path.of(c.pendingDir()), IdentitySettings.DEFAULT, Operations.of(c.metricsListen(), c.shutdownGraceMs()),
        Optional.ofNullable(c.webListen()).map(l -> HostPort.parse(l, "web-listen")));
  }

  /** The {@code oidc}, {@code identity-signing} and {@code identity-statement-ttl-ms} keys. */
  private static IdentitySettings identity(CoordinatorConfig c, Path base) {
    return new IdentitySettings(Optional.ofNullable(c.oidc()).map(o -> OidcSettings.of(o, base)),
        Optional.ofNullable(c.identitySigning()).map(t -> t.files(base)),
        millis(c.identityStatementTtlMs(), StatementSigner.DEFAULT_LIFETIME));
  }

  static Duration millis(Long value, Duration otherwise) {
    return value == null ? otherwise : Duration.ofMillis(value);
  }

  public CoordinatorSettings withListen(String newHost, int newPort) {
    return new CoordinatorSettings(newHost, newPort, nodeDeadline, healthInterval, probeInterval, healthTimeout,
        maxConcurrentRequests, nodeKeepalive, server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive,
        pendingDir, identity, operations, webListen, dashboardViewers);
  }

  public CoordinatorSettings withAuditLog(Path path) {
    return new CoordinatorSettings(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout,
        maxConcurrentRequests, nodeKeepalive, server, nodes, path, tls, nodeListen, nodeLinkKeepalive, pendingDir,
        identity, operations, webListen, dashboardViewers);
  }

  public CoordinatorSettings withPendingDir(Path path) {
    return new CoordinatorSettings(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout,
        maxConcurrentRequests, nodeKeepalive, server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive, path,
        identity, operations, webListen, dashboardViewers);
  }

  /** The same settings with other operations (metrics port, shutdown grace). */
  public CoordinatorSettings withOperations(Operations newOperations) {
    return new CoordinatorSettings(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout,
        maxConcurrentRequests, nodeKeepalive, server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive,
        pendingDir, identity, newOperations, webListen, dashboardViewers);
  }

  /** The same settings over mutual TLS with {@code files}, or plaintext if empty. */
  public CoordinatorSettings withTls(Optional<TlsFiles> files) {
    return new CoordinatorSettings(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout,
        maxConcurrentRequests, nodeKeepalive, server, nodes, auditLog, files, nodeListen, nodeLinkKeepalive,
        pendingDir, identity, operations, webListen, dashboardViewers);
  }

  /** The same settings authenticating researchers and signing statements as {@code newIdentity} says. */
  public CoordinatorSettings withIdentity(IdentitySettings newIdentity) {
    return new CoordinatorSettings(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout,
        maxConcurrentRequests, nodeKeepalive, server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive,
        pendingDir, newIdentity, operations, webListen, dashboardViewers);
  }

  /** The same settings serving the dashboard and the HTTP API at {@code listen}, or on no web port if empty. */
  public CoordinatorSettings withWebListen(Optional<HostPort> listen) {
    return new CoordinatorSettings(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout,
        maxConcurrentRequests, nodeKeepalive, server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive,
        pendingDir, identity, operations, listen, dashboardViewers);
  }

  /** The same settings showing the dashboard's data to {@code viewers} only, or to every researcher if empty. */
  public CoordinatorSettings withDashboardViewers(Optional<Set<String>> viewers) {
    return new CoordinatorSettings(host, port, nodeDeadline, healthInterval, probeInterval, healthTimeout,
        maxConcurrentRequests, nodeKeepalive, server, nodes, auditLog, tls, nodeListen, nodeLinkKeepalive,
        pendingDir, identity, operations, webListen, viewers);
  }
}
