package org.fedstats.coordinator.config;

import java.util.List;
import org.fedstats.common.grpc.ServerLimits;
import org.fedstats.coordinator.identity.OidcSettings;
import org.fedstats.pki.tls.TlsConfig;

/** A coordinator's configuration file, as written (kebab-case YAML keys); absent keys take their defaults. */
public record CoordinatorConfig(
    String listen,
    Long nodeDeadlineMs,
    Long healthIntervalMs,
    Long probeIntervalMs,
    Long healthTimeoutMs,
    Integer maxConcurrentRequests,
    Long nodeKeepaliveMs,
    ServerLimits.Config server,
    String auditLog,
    List<NodeEntry> nodes,
    TlsConfig tls,
    Boolean insecure,
    String nodeListen,
    Long nodeLinkKeepaliveMs,
    String pendingDir,
    OidcSettings.Config oidc,
    TlsConfig identitySigning,
    Long identityStatementTtlMs,
    String metricsListen,
    Long shutdownGraceMs,
    String webListen,
    List<String> dashboardViewers) {

  /** Without {@code dashboard-viewers}: every authenticated researcher sees the dashboard's data. */
  public CoordinatorConfig(String listen, Long nodeDeadlineMs, Long healthIntervalMs, Long probeIntervalMs,
      Long healthTimeoutMs, Integer maxConcurrentRequests, Long nodeKeepaliveMs, ServerLimits.Config server,
      String auditLog, List<NodeEntry> nodes, TlsConfig tls, Boolean insecure, String nodeListen,
      Long nodeLinkKeepaliveMs, String pendingDir, OidcSettings.Config oidc, TlsConfig identitySigning,
      Long identityStatementTtlMs, String metricsListen, Long shutdownGraceMs, String webListen) {
    this(listen, nodeDeadlineMs, healthIntervalMs, probeIntervalMs, healthTimeoutMs, maxConcurrentRequests,
        nodeKeepaliveMs, server, auditLog, nodes, tls, insecure, nodeListen, nodeLinkKeepaliveMs, pendingDir, oidc,
        identitySigning, identityStatementTtlMs, metricsListen, shutdownGraceMs, webListen, null);
  }

  /** Without the web port. */
  public CoordinatorConfig(String listen, Long nodeDeadlineMs, Long healthIntervalMs, Long probeIntervalMs,
      Long healthTimeoutMs, Integer maxConcurrentRequests, Long nodeKeepaliveMs, ServerLimits.Config server,
      String auditLog, List<NodeEntry> nodes, TlsConfig tls, Boolean insecure, String nodeListen,
      Long nodeLinkKeepaliveMs, String pendingDir, OidcSettings.Config oidc, TlsConfig identitySigning,
      Long identityStatementTtlMs, String metricsListen, Long shutdownGraceMs) {
    this(listen, nodeDeadlineMs, healthIntervalMs, probeIntervalMs, healthTimeoutMs, maxConcurrentRequests,
        nodeKeepaliveMs, server, auditLog, nodes, tls, insecure, nodeListen, nodeLinkKeepaliveMs, pendingDir, oidc,
        identitySigning, identityStatementTtlMs, metricsListen, shutdownGraceMs, null);
  }

  /** Without the operations keys (metrics port, shutdown grace). */
  public CoordinatorConfig(String listen, Long nodeDeadlineMs, Long healthIntervalMs, Long probeIntervalMs,
      Long healthTimeoutMs, Integer maxConcurrentRequests, Long nodeKeepaliveMs, ServerLimits.Config server,
      String auditLog, List<NodeEntry> nodes, TlsConfig tls, Boolean insecure, String nodeListen,
      Long nodeLinkKeepaliveMs, String pendingDir, OidcSettings.Config oidc, TlsConfig identitySigning,
      Long identityStatementTtlMs) {
    this(listen, nodeDeadlineMs, healthIntervalMs, probeIntervalMs, healthTimeoutMs, maxConcurrentRequests,
        nodeKeepaliveMs, server, auditLog, nodes, tls, insecure, nodeListen, nodeLinkKeepaliveMs, pendingDir, oidc,
        identitySigning, identityStatementTtlMs, null, null);
  }

  /** Without the review, identity and operations keys. */
  public CoordinatorConfig(String listen, Long nodeDeadlineMs, Long healthIntervalMs, Long probeIntervalMs,
      Long healthTimeoutMs, Integer maxConcurrentRequests, Long nodeKeepaliveMs, ServerLimits.Config server,
      String auditLog, List<NodeEntry> nodes, TlsConfig tls, Boolean insecure, String nodeListen,
      Long nodeLinkKeepaliveMs) {
    this(listen, nodeDeadlineMs, healthIntervalMs, probeIntervalMs, healthTimeoutMs, maxConcurrentRequests,
        nodeKeepaliveMs, server, auditLog, nodes, tls, insecure, nodeListen, nodeLinkKeepaliveMs, null, null, null,
        null);
  }

  /**
   * Without the outbound-node, review and identity keys ({@code coordinator-pending} beside the audit log; researchers
   * by certificate only).
   */
  public CoordinatorConfig(String listen, Long nodeDeadlineMs, Long healthIntervalMs, Long probeIntervalMs,
      Long healthTimeoutMs, Integer maxConcurrentRequests, Long nodeKeepaliveMs, ServerLimits.Config server,
      String auditLog, List<NodeEntry> nodes, TlsConfig tls, Boolean insecure) {
    this(listen, nodeDeadlineMs, healthIntervalMs, probeIntervalMs, healthTimeoutMs, maxConcurrentRequests,
        nodeKeepaliveMs, server, auditLog, nodes, tls, insecure, null, null, null, null, null, null);
  }

  /** Without the transport keys: plaintext. */
  public CoordinatorConfig(String listen, Long nodeDeadlineMs, Long healthIntervalMs, Long probeIntervalMs,
      Long healthTimeoutMs, Integer maxConcurrentRequests, Long nodeKeepaliveMs, ServerLimits.Config server,
      String auditLog, List<NodeEntry> nodes) {
    this(listen, nodeDeadlineMs, healthIntervalMs, probeIntervalMs, healthTimeoutMs, maxConcurrentRequests,
        nodeKeepaliveMs, server, auditLog, nodes, null, null, null, null, null, null, null, null);
  }

  /** The common settings only; the rest take their defaults. */
  public CoordinatorConfig(String listen, Long nodeDeadlineMs, Long healthIntervalMs, List<NodeEntry> nodes) {
    this(listen, nodeDeadlineMs, healthIntervalMs, null, null, null, null, null, null, nodes, null, null, null, null,
        null, null, null, null);
  }

  /** A node: its id, and its address if the coordinator dials it; none for an outbound node, which dials in. */
  public record NodeEntry(String id, String address) {}
}
