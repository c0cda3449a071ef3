package org.fedstats.coordinator.monitor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import org.fedstats.coordinator.federation.NodeClient;

/**
 * What the dashboard remembers of one node, in fixed memory: its last up/down transitions, the latencies of its
 * recent health checks and research calls, its requests, refusals and errors per time bucket, and its last error.
 */
final class NodeHistory {
  static final int REQUESTS = 0;
  static final int REFUSALS = 1;
  static final int ERRORS = 2;

  private final String id;
  private final int maxTransitions;
  private final ArrayDeque<Transition> transitions = new ArrayDeque<>();
  private final LatencyWindow checks;
  private final LatencyWindow calls;
  private final TimeBuckets counts;
  private NodeClient.Health state = NodeClient.Health.UNKNOWN;
  private long sinceMs;
  private String lastError = "";
  private long lastErrorAtMs;
  private long checksUp;
  private long checksDown;
  private long requests;
  private long refusals;
  private long errors;

  NodeHistory(String id, long createdMs, int maxTransitions, LatencyWindow checks, LatencyWindow calls,
      TimeBuckets counts) {
    this.id = Objects.requireNonNull(id, "id");
    this.sinceMs = createdMs;
    this.maxTransitions = maxTransitions;
    this.checks = checks;
    this.calls = calls;
    this.counts = counts;
  }

  String id() {
    return id;
  }

  /**
   * The node is in {@code health} as of {@code atMs} (for {@code reason}, when down): a change of state is recorded
   * as a transition; the same state again changes nothing.
   */
  synchronized void state(NodeClient.Health health, long atMs, String reason) {
    if (health == state) {
      return;
    }
    state = health;
    sinceMs = atMs;
    transitions.addLast(new Transition(health, atMs, health == NodeClient.Health.DOWN ? reason : ""));
    while (transitions.size() > maxTransitions) {
      transitions.removeFirst();
    }
    if (health == NodeClient.Health.DOWN && !reason.isEmpty()) {
      error(atMs, reason);
    }
  }

  synchronized void checked(long atMs, boolean up, double latencyMs) {
    if (up) {
      checksUp++;
      checks.add(atMs, latencyMs);
    } else {
      checksDown++;
    }
  }

  /** One research call to this node ended: answered (refused or not) with its latency, or failed. */
  synchronized void called(long atMs, boolean refused, boolean failed, double latencyMs, String error) {
    requests++;
    counts.add(atMs, REQUESTS, 1);
    if (refused) {
      refusals++;
      counts.add(atMs, REFUSALS, 1);
    }
    if (failed) {
      errors++;
      counts.add(atMs, ERRORS, 1);
      error(atMs, error);
    } else {
      calls.add(atMs, latencyMs);
    }
  }

  private void error(long atMs, String error) {
    lastError = error;
    lastErrorAtMs = atMs;
  }

  synchronized Snapshot snapshot(long nowMs) {
    return new Snapshot(id, state, sinceMs, List.copyOf(transitions), checks.percentiles(nowMs),
        calls.percentiles(nowMs), counts.series(nowMs, REQUESTS), counts.series(nowMs, REFUSALS),
        counts.series(nowMs, ERRORS), lastError, lastErrorAtMs, checksUp, checksDown, requests, refusals, errors,
        counts.firstBucketStart(nowMs), counts.bucketMs());
  }

  /** A change of a node's state. */
  record Transition(NodeClient.Health state, long atMs, String reason) {
    Transition {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The node's history at one moment. */
  record Snapshot(String id, NodeClient.Health state, long sinceMs, List<Transition> transitions,
      LatencyWindow.Percentiles checks, LatencyWindow.Percentiles calls, long[] requestSeries,
      long[] refusalSeries, long[] errorSeries, String lastError, long lastErrorAtMs, long checksUp, long checksDown,
      long requests, long refusals, long errors, long seriesStartMs, long bucketMs) {
    Snapshot {
      transitions = List.copyOf(transitions);
    }

    Duration bucket() {
      return Duration.ofMillis(bucketMs);
    }
  }
}
