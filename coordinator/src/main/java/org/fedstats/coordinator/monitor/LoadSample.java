package org.fedstats.coordinator.monitor;

/**
 * The coordinator's own load at one moment.
 *
 * @param atMs when (epoch ms)
 * @param inFlight research requests being fanned out or pooled
 * @param cpu the process's share of the machine's CPU, 0 to 1; NaN where the JVM cannot tell
 * @param heapUsedBytes heap in use
 * @param heapMaxBytes the heap's limit (-1 when undefined)
 * @param threads live threads
 */
public record LoadSample(long atMs, int inFlight, double cpu, long heapUsedBytes, long heapMaxBytes, int threads) {
  public LoadSample {
    if (inFlight < 0 || heapUsedBytes < 0 || threads < 0) {
      throw new IllegalArgumentException("a load sample has no negative counts");
    }
    if (!Double.isNaN(cpu) && (cpu < 0 || cpu > 1)) {
      throw new IllegalArgumentException("CPU load is a share from 0 to 1, not " + cpu);
    }
  }
}
