package org.fedstats.coordinator.config;

import java.time.Duration;

/**
 * Limits of the coordinator's researcher-facing gRPC port: idle connections are closed, dead peers are found by
 * keep-alive pings, clients may not ping too often, and one connection carries a bounded number of calls.
 */
public record ServerLimits(Duration maxConnectionIdle, Duration keepaliveTime, Duration keepaliveTimeout,
    Duration permitKeepaliveTime, int maxConcurrentCallsPerConnection) {
  public static final ServerLimits DEFAULT = new ServerLimits(Duration.ofMinutes(5), Duration.ofMinutes(2),
      Duration.ofSeconds(20), Duration.ofSeconds(30), 100);

  public ServerLimits {
    CoordinatorSettings.positive(maxConnectionIdle, "server.max-connection-idle-ms");
    CoordinatorSettings.positive(keepaliveTime, "server.keepalive-time-ms");
    CoordinatorSettings.positive(keepaliveTimeout, "server.keepalive-timeout-ms");
    CoordinatorSettings.positive(permitKeepaliveTime, "server.permit-keepalive-time-ms");
    if (maxConcurrentCallsPerConnection < 1) {
      throw new IllegalArgumentException("server.max-concurrent-calls-per-connection must be at least 1");
    }
  }

  static ServerLimits of(CoordinatorConfig.ServerConfig c) {
    if (c == null) {
      return DEFAULT;
    }
    return new ServerLimits(
        CoordinatorSettings.millis(c.maxConnectionIdleMs(), DEFAULT.maxConnectionIdle),
        CoordinatorSettings.millis(c.keepaliveTimeMs(), DEFAULT.keepaliveTime),
        CoordinatorSettings.millis(c.keepaliveTimeoutMs(), DEFAULT.keepaliveTimeout),
        CoordinatorSettings.millis(c.permitKeepaliveTimeMs(), DEFAULT.permitKeepaliveTime),
        c.maxConcurrentCallsPerConnection() == null ? DEFAULT.maxConcurrentCallsPerConnection
            : c.maxConcurrentCallsPerConnection());
  }
}
