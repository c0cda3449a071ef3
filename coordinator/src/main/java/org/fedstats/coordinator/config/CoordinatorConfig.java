package org.fedstats.coordinator.config;

import java.util.List;

/** A coordinator's configuration file, as written (kebab-case YAML keys). */
public record CoordinatorConfig(
    String listen,
    Long nodeDeadlineMs,
    Long healthIntervalMs,
    List<NodeEntry> nodes) {

  public record NodeEntry(String id, String address) {}
}
