package org.fedstats.coordinator.monitor;

import java.time.Duration;

/**
 * Counts in fixed time buckets (e.g. 10 s), the latest {@code size} of them kept in a ring: older buckets are
 * overwritten, so memory stays fixed however long the coordinator runs. Several series share the buckets.
 */
final class TimeBuckets {
  private final long bucketMs;
  private final long[][] counts;
  private final long[] heldBucket;

  TimeBuckets(Duration bucket, int size, int series) {
    if (bucket.toMillis() <= 0 || size <= 0 || series <= 0) {
      throw new IllegalArgumentException("time buckets need a positive width, number and series count");
    }
    this.bucketMs = bucket.toMillis();
    this.counts = new long[series][size];
    this.heldBucket = new long[size];
    java.util.Arrays.fill(heldBucket, -1);
  }

  long bucketMs() {
    return bucketMs;
  }

  int size() {
    return heldBucket.length;
  }

  /** Adds {@code n} to series {@code series} in the bucket of {@code atMs}; a time older than the ring is dropped. */
  synchronized void add(long atMs, int series, long n) {
    long bucket = Math.floorDiv(atMs, bucketMs);
    int slot = (int) Math.floorMod(bucket, (long) heldBucket.length);
    if (heldBucket[slot] != bucket) {
      if (heldBucket[slot] > bucket) {
        return;
      }
      heldBucket[slot] = bucket;
      for (long[] s : counts) {
        s[slot] = 0;
      }
    }
    counts[series][slot] += n;
  }

  /** Series {@code series} over the ring's buckets, oldest first, the last being the bucket of {@code nowMs}. */
  synchronized long[] series(long nowMs, int series) {
    int size = heldBucket.length;
    long last = Math.floorDiv(nowMs, bucketMs);
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      long bucket = last - (size - 1) + i;
      int slot = (int) Math.floorMod(bucket, (long) size);
      out[i] = heldBucket[slot] == bucket ? counts[series][slot] : 0;
    }
    return out;
  }

  /** The start (epoch ms) of the oldest bucket {@link #series} returns at {@code nowMs}. */
  long firstBucketStart(long nowMs) {
    return (Math.floorDiv(nowMs, bucketMs) - (heldBucket.length - 1)) * bucketMs;
  }
}
