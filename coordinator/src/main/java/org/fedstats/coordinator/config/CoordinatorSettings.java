package org.fedstats.coordinator.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** A coordinator's validated configuration: where it listens, its nodes, and how long it waits for them. */
public record CoordinatorSettings(String host, int port, Duration nodeDeadline, Duration healthInterval,
    List<NodeAddress> nodes) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public CoordinatorSettings {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, not " + port);
    }
    if (nodeDeadline.isNegative() || nodeDeadline.isZero()) {
      throw new IllegalArgumentException("node-deadline-ms must be positive");
    }
    if (healthInterval.isNegative() || healthInterval.isZero()) {
      throw new IllegalArgumentException("health-interval-ms must be positive");
    }
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("a coordinator needs at least one node");
    }
    var ids = new HashSet<String>();
    for (NodeAddress n : nodes) {
      if (!ids.add(n.id())) {
        throw new IllegalArgumentException("node " + n.id() + " is listed twice");
      }
    }
  }

  /** A node of the federation: its id (as the node itself reports it) and its gRPC address, host:port. */
  public record NodeAddress(String id, String address) {
    public NodeAddress {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("every node needs an id");
      }
      if (address == null || !address.matches("[^\\s:]+:\\d{1,5}")) {
        throw new IllegalArgumentException("node " + id + " needs an address host:port, not '" + address + "'");
      }
    }
  }

  public static CoordinatorSettings load(Path file) throws IOException {
    CoordinatorConfig c;
    try {
      c = YAML.readValue(file.toFile(), CoordinatorConfig.class);
    } catch (IOException e) {
      throw new IOException("cannot read coordinator configuration " + file + ": " + e.getMessage(), e);
    }
    try {
      return of(c);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IOException("invalid coordinator configuration " + file + ": " + e.getMessage(), e);
    }
  }

  public static CoordinatorSettings of(CoordinatorConfig c) {
    String listen = c.listen() == null ? "127.0.0.1:50050" : c.listen();
    int colon = listen.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("listen must be host:port, not '" + listen + "'");
    }
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("listen must be host:port, not '" + listen + "'");
    }
    List<NodeAddress> nodes = c.nodes() == null ? List.of()
        : c.nodes().stream().map(n -> new NodeAddress(n.id(), n.address())).toList();
    return new CoordinatorSettings(listen.substring(0, colon), port,
        Duration.ofMillis(c.nodeDeadlineMs() == null ? 30_000 : c.nodeDeadlineMs()),
        Duration.ofMillis(c.healthIntervalMs() == null ? 10_000 : c.healthIntervalMs()), nodes);
  }

  public CoordinatorSettings withListen(String newHost, int newPort) {
    return new CoordinatorSettings(newHost, newPort, nodeDeadline, healthInterval, nodes);
  }
}
