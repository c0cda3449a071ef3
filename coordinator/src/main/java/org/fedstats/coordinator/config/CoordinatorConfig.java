package org.fedstats.coordinator.config;

import java.util.List;

/** A coordinator's configuration file, as written (kebab-case YAML keys); absent keys take their defaults. */
public record CoordinatorConfig(
    String listen,
    Long nodeDeadlineMs,
    Long healthIntervalMs,
    Long probeIntervalMs,
    Long healthTimeoutMs,
    Integer maxConcurrentRequests,
    Long nodeKeepaliveMs,
    ServerConfig server,
    List<NodeEntry> nodes) {

  /** The common settings only; the rest take their defaults. */
  public CoordinatorConfig(String listen, Long nodeDeadlineMs, Long healthIntervalMs, List<NodeEntry> nodes) {
    this(listen, nodeDeadlineMs, healthIntervalMs, null, null, null, null, null, nodes);
  }

  public record NodeEntry(String id, String address) {}

  /** Limits of the researcher-facing gRPC port. */
  public record ServerConfig(Long maxConnectionIdleMs, Long keepaliveTimeMs, Long keepaliveTimeoutMs,
      Long permitKeepaliveTimeMs, Integer maxConcurrentCallsPerConnection) {}
}
