package org.fedstats.common.ops;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.common.HostPort;

/**
 * How a process is run, as its operators see it, the same keys for node and coordinator.
 *
 * @param metricsListen where Prometheus scrapes {@code /metrics} ({@code metrics-listen}); empty (the default): no
 *     metrics port, so a node in outbound mode keeps having no listening socket at all
 * @param shutdownGrace how long a stopping process waits for the requests in flight to finish
 *     ({@code shutdown-grace-ms}) before it cancels those still running
 */
public record Operations(Optional<HostPort> metricsListen, Duration shutdownGrace) {
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
  public static final Operations DEFAULT = new Operations(Optional.empty(), DEFAULT_SHUTDOWN_GRACE);

  public Operations {
    Objects.requireNonNull(metricsListen, "metricsListen");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdown-grace-ms must be 0 or more, not " + shutdownGrace.toMillis());
    }
  }

  /** The keys as a configuration file writes them; null: the default. */
  public static Operations of(String metricsListen, Long shutdownGraceMs) {
    return new Operations(Optional.ofNullable(metricsListen).map(l -> HostPort.parse(l, "metrics-listen")),
        shutdownGraceMs == null ? DEFAULT_SHUTDOWN_GRACE : Duration.ofMillis(shutdownGraceMs));
  }
}
