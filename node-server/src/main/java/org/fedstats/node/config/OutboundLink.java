package org.fedstats.node.config;

import java.time.Duration;
import java.util.Objects;
import org.fedstats.common.HostPort;

/**
 * How an outbound node reaches its coordinator (the {@code coordinator} section of its configuration): the node dials
 * {@code address} and keeps one stream open; it listens on no port. Over mutual TLS the coordinator's certificate
 * must be issued by the federation CA, have the coordinator role and the name {@code name}. A dropped link is dialled
 * again after an exponential back-off with jitter, from {@code reconnectMin} up to {@code reconnectMax}.
 */
public record OutboundLink(HostPort address, String name, Duration reconnectMin, Duration reconnectMax) {
  /** The name a coordinator's certificate has unless configured otherwise ({@code fedstats pki request coordinator}). */
  public static final String DEFAULT_NAME = "coordinator";
  public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofMillis(100);
  public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(30);

  public OutboundLink {
    Objects.requireNonNull(address, "coordinator address");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("coordinator: name must not be empty");
    }
    if (reconnectMin.isNegative() || reconnectMin.isZero() || reconnectMax.compareTo(reconnectMin) < 0) {
      throw new IllegalArgumentException("coordinator: reconnect-min-ms must be positive and at most reconnect-max-ms");
    }
  }

  /** The coordinator at {@code address}, with the default name and back-off. */
  public static OutboundLink to(HostPort address) {
    return new OutboundLink(address, DEFAULT_NAME, DEFAULT_RECONNECT_MIN, DEFAULT_RECONNECT_MAX);
  }

  /** The section as written: {@code address} (host:port, required), {@code name}, {@code reconnect-min-ms}, … */
  public record Config(String address, String name, Long reconnectMinMs, Long reconnectMaxMs) {
    OutboundLink resolve() {
      if (address == null) {
        throw new IllegalArgumentException("coordinator: address (host:port of the coordinator's node port) is required");
      }
      return new OutboundLink(HostPort.parse(address, "coordinator address"), name == null ? DEFAULT_NAME : name,
          reconnectMinMs == null ? DEFAULT_RECONNECT_MIN : Duration.ofMillis(reconnectMinMs),
          reconnectMaxMs == null ? DEFAULT_RECONNECT_MAX : Duration.ofMillis(reconnectMaxMs));
    }
  }
}
