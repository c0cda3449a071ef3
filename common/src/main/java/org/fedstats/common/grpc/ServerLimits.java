package org.fedstats.common.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Limits a gRPC server (a node's, or the coordinator's researcher-facing one) puts on its HTTP/2 connections, so that idle or greedy connections cannot pile up.
 *
 * @param maxConnectionIdle a connection with no call for this long is closed (GOAWAY)
 * @param keepaliveTime the node pings a connection with no traffic for this long, to find dead peers
 * @param keepaliveTimeout a connection whose ping is not answered within this is closed
 * @param permitKeepaliveTime the shortest interval between a client's keep-alive pings the node accepts; a client
 *     pinging more often is disconnected
 * @param maxConcurrentCallsPerConnection calls one connection may have open at once; more wait for a free slot
 * @param maxConnectionAge a connection older than this is closed gracefully (its calls finish); null for no limit
 */
public record ServerLimits(
    Duration maxConnectionIdle,
    Duration keepaliveTime,
    Duration keepaliveTimeout,
    Duration permitKeepaliveTime,
    int maxConcurrentCallsPerConnection,
    Duration maxConnectionAge) {
  public static final ServerLimits DEFAULT = new ServerLimits(Duration.ofMinutes(5), Duration.ofMinutes(5),
      Duration.ofSeconds(20), Duration.ofSeconds(30), 64, null);

  public ServerLimits {
    positive(maxConnectionIdle, "max-connection-idle-ms");
    positive(keepaliveTime, "keepalive-time-ms");
    positive(keepaliveTimeout, "keepalive-timeout-ms");
    Objects.requireNonNull(permitKeepaliveTime, "permit-keepalive-time-ms");
    if (permitKeepaliveTime.isNegative()) {
      throw new IllegalArgumentException("server.permit-keepalive-time-ms must be 0 or more, not "
          + permitKeepaliveTime.toMillis());
    }
    if (maxConcurrentCallsPerConnection < 1) {
      throw new IllegalArgumentException("server.max-concurrent-calls-per-connection must be at least 1, not "
          + maxConcurrentCallsPerConnection);
    }
    if (maxConnectionAge != null) {
      positive(maxConnectionAge, "max-connection-age-ms");
    }
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, "server." + key);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("server." + key + " must be a positive number of milliseconds, not "
          + d.toMillis());
    }
  }

  /** The {@code server:} section of a configuration file, as written; unset keys keep their defaults. */
  public record Config(
      Long maxConnectionIdleMs,
      Long keepaliveTimeMs,
      Long keepaliveTimeoutMs,
      Long permitKeepaliveTimeMs,
      Integer maxConcurrentCallsPerConnection,
      Long maxConnectionAgeMs) {}

  /** Sets these limits on a Netty server builder. */
  public NettyServerBuilder applyTo(NettyServerBuilder builder) {
    builder.maxConnectionIdle(maxConnectionIdle.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTime(keepaliveTime.toMillis(), TimeUnit.MILLISECONDS)
        .keepAliveTimeout(keepaliveTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveTime(permitKeepaliveTime.toMillis(), TimeUnit.MILLISECONDS)
        .maxConcurrentCallsPerConnection(maxConcurrentCallsPerConnection);
    if (maxConnectionAge != null) {
      builder.maxConnectionAge(maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS);
    }
    return builder;
  }

  /** These limits with the keys a configuration sets (null: not set). */
  public ServerLimits with(Config config) {
    if (config == null) {
      return this;
    }
    return new ServerLimits(
        millis(config.maxConnectionIdleMs(), maxConnectionIdle),
        millis(config.keepaliveTimeMs(), keepaliveTime),
        millis(config.keepaliveTimeoutMs(), keepaliveTimeout),
        millis(config.permitKeepaliveTimeMs(), permitKeepaliveTime),
        config.maxConcurrentCallsPerConnection() == null ? maxConcurrentCallsPerConnection
            : config.maxConcurrentCallsPerConnection(),
        millis(config.maxConnectionAgeMs(), maxConnectionAge));
  }

  private static Duration millis(Long configured, Duration otherwise) {
    return configured == null ? otherwise : Duration.ofMillis(configured);
  }
}
