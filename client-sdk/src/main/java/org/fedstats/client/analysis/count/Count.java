package org.fedstats.client.analysis.count;

/** Number of records in the cohort. */
public record Count(long count) {
  public Count {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative");
    }
  }
}
