package org.fedstats.node.overlap;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * The distinct record sets released from one dataset's data version, by cardinality: a set S can differ from a set
 * T by fewer than k records only if their sizes differ by less than k (|S Δ T| ≥ ||S| − |T||), so a check compares S
 * with the few sets whose size lies within k − 1 of its own. The whole table (rows 0 to n − 1) counts as released.
 * Only sizes and handles are held in memory; a candidate's records are read when a check needs them.
 */
final class SetIndex {
  /** A remembered set: its size, and its records on demand. */
  interface Stored {
    long cardinality();

    RoaringBitmap load();
  }

  private final long rows;
  private final int minDifference;
  private final TreeMap<Long, List<Stored>> bySize = new TreeMap<>();
  private int size;

  SetIndex(long rows, int minDifference) {
    if (minDifference < 1) {
      throw new IllegalArgumentException("the minimum difference must be at least 1");
    }
    this.rows = rows;
    this.minDifference = minDifference;
  }

  /** How many distinct sets are remembered. */
  int size() {
    return size;
  }

  /**
   * Whether {@code set} differs from the whole table, a remembered set or one of {@code alongside} (the sets
   * released with it) by 1 to k − 1 records.
   */
  boolean tooClose(RoaringBitmap set, List<RoaringBitmap> alongside) {
    long n = set.getLongCardinality();
    if (small(rows - n)) {
      return true;
    }
    for (List<Stored> sameSize : bySize.subMap(n - (minDifference - 1), true, n + (minDifference - 1), true)
        .values()) {
      for (Stored t : sameSize) {
        if (small(RoaringBitmap.xorCardinality(set, t.load()))) {
          return true;
        }
      }
    }
    for (RoaringBitmap t : alongside) {
      if (Math.abs(t.getLongCardinality() - n) < minDifference && small(RoaringBitmap.xorCardinality(set, t))) {
        return true;
      }
    }
    return false;
  }

  private boolean small(long difference) {
    return difference >= 1 && difference < minDifference;
  }

  /** Whether {@code set} is already remembered (or is the whole table). */
  boolean contains(RoaringBitmap set) {
    long n = set.getLongCardinality();
    if (n == rows) {
      return true;
    }
    List<Stored> sameSize = bySize.get(n);
    return sameSize != null && sameSize.stream().anyMatch(t -> RoaringBitmap.xorCardinality(set, t.load()) == 0);
  }

  /** Remembers a set that {@link #contains} does not hold. */
  void add(Stored set) {
    bySize.computeIfAbsent(set.cardinality(), c -> new ArrayList<>(1)).add(set);
    size++;
  }
}
