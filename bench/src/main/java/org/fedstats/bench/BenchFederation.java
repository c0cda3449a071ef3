package org.fedstats.bench;

import java.util.List;
import org.fedstats.client.FederationClient;
import org.fedstats.client.filter.Filters;
import org.fedstats.coordinator.Coordinator;

/**
 * One federation under test, running in the benchmark's process: its coordinator, its nodes and a researcher's client,
 * which times the questions the benchmarks ask of the demo's colon data.
 */
record BenchFederation(String name, Coordinator coordinator, List<AutoCloseable> nodes, FederationClient client)
    implements AutoCloseable {
  BenchFederation {
    nodes = List.copyOf(nodes);
  }

  /** Nanoseconds for a pooled count (sex = 0) over the sites. */
  long countNanos() {
    long start = System.nanoTime();
    long n = client.dataset("colon").where(Filters.eq("sex", 0)).count().pooledOrThrow().count();
    if (n <= 0) {
      throw new IllegalStateException(name + ": no pooled count");
    }
    return System.nanoTime() - start;
  }

  /** Nanoseconds for a pooled summary of age over the sites. */
  long summaryNanos() {
    long start = System.nanoTime();
    double mean = client.dataset("colon").summary("age").pooledOrThrow().mean();
    if (!(mean > 0)) {
      throw new IllegalStateException(name + ": no pooled mean");
    }
    return System.nanoTime() - start;
  }

  @Override
  public void close() throws Exception {
    client.close();
    coordinator.close();
    for (AutoCloseable n : nodes) {
      n.close();
    }
  }
}
