package org.fedstats.coordinator.monitor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.federation.FederationObserver;
import org.fedstats.coordinator.federation.NodeClient;
import org.fedstats.proto.v1.ListNodesResponse;
import org.fedstats.proto.v1.SiteOutcome;

/**
 * Feeds a {@link FederationMonitor} from a running federation: every research request as it ends and every health
 * check (as the federation's observer, so requests from the gRPC service and the HTTP API alike), and, on
 * {@link #tick}, each node's up/down state and the coordinator's load (in-flight requests, CPU, heap, threads).
 */
public final class MonitorFeed implements FederationObserver {
  private final Federation federation;
  private final FederationMonitor monitor;
  private final Clock clock;
  private final Optional<Set<String>> viewers;

  private MonitorFeed(Federation federation, FederationMonitor monitor, Clock clock, Optional<Set<String>> viewers) {
    this.federation = federation;
    this.monitor = monitor;
    this.clock = clock;
    this.viewers = viewers.map(Set::copyOf);
  }

  /** A monitor of {@code federation} shown to every authenticated researcher. */
  public static MonitorFeed watch(Federation federation, Clock clock) {
    return watch(federation, clock, Optional.empty());
  }

  /**
   * A monitor of {@code federation}, fed from now on, whose records only the researchers named in {@code viewers}
   * may see (empty: every authenticated researcher); call {@link #tick} every second or two.
   */
  public static MonitorFeed watch(Federation federation, Clock clock, Optional<Set<String>> viewers) {
    MonitorFeed feed = new MonitorFeed(federation, new FederationMonitor(clock), clock, viewers);
    federation.observe(feed);
    feed.tick();
    return feed;
  }

  /** Whether {@code researcher} (by name, as authenticated) may see what this feed records. */
  public boolean shownTo(String researcher) {
    return viewers.map(v -> v.contains(researcher)).orElse(true);
  }

  public FederationMonitor monitor() {
    return monitor;
  }

  public Federation federation() {
    return federation;
  }

  @Override
  public void requestEnded(Ended request) {
    monitor.requestEnded(request);
    // A call that found a node gone marks it down at once; the dashboard hears it now, not at the next tick.
    request.response().ifPresent(r -> r.getSitesList().stream().map(SiteOutcome::getNodeId).distinct()
        .forEach(this::sync));
  }

  @Override
  public void healthChecked(String nodeId, boolean up, Duration took) {
    monitor.healthChecked(nodeId, up, took);
    sync(nodeId);
  }

  private void sync(String nodeId) {
    federation.node(nodeId).ifPresent(this::sync);
  }

  private void sync(NodeClient node) {
    monitor.nodeState(node.id(), node.health(), node.downSince(), node.status().getLastError());
  }

  /** The federation's nodes as it lists them now, each node's state recorded first. */
  public ListNodesResponse nodes() {
    ListNodesResponse nodes = federation.listNodes();
    nodes.getNodesList().forEach(n -> sync(n.getNodeId()));
    return nodes;
  }

  /** Records each node's state and the coordinator's load now. */
  public void tick() {
    nodes();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    double cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuLoad() : Double.NaN;
    monitor.load(new LoadSample(clock.millis(), federation.inFlight(), cpu < 0 || cpu > 1 ? Double.NaN : cpu,
        heap.getUsed(), heap.getMax(), ManagementFactory.getThreadMXBean().getThreadCount()));
  }
}
