package org.fedstats.node.overlap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * The most recently released distinct record sets of one dataset version, at most {@code capacity} of them, held in
 * memory for the {@link CombinationCheck}: a release is checked against them and the whole table. Sets of fewer than
 * k records are left out (they leave the node only redacted or rounded, or where the operator lowered the
 * thresholds); so is the whole table, which the check always includes. A set released again becomes the most
 * recent. After a restart the last sets of the state file are read back, so the window survives it.
 */
final class RecentSets {
  private final int capacity;
  private final int minDifference;
  private final long rows;
  private final Deque<RoaringBitmap> sets = new ArrayDeque<>();
  /**
   * The records grouped by the window's sets and by those dropped from it since it was built (null: to build);
   * rebuilt from the window alone once {@code capacity} sets have been dropped, so it stays close to the atoms.
   */
  private Partition grouped;
  private int dropped;

  RecentSets(int capacity, int minDifference, long rows) {
    this.capacity = capacity;
    this.minDifference = minDifference;
    this.rows = rows;
  }

  /** Fills the window from the remembered sets, oldest first (reading back only the last ones). */
  void reload(List<SetIndex.Stored> remembered) {
    if (capacity == 0) {
      return;
    }
    List<RoaringBitmap> last = new ArrayList<>();
    for (int i = remembered.size() - 1; i >= 0 && last.size() < capacity; i--) {
      SetIndex.Stored s = remembered.get(i);
      if (kept(s.cardinality())) {
        last.add(0, s.load());
      }
    }
    addAll(last);
  }

  /**
   * Whether a combination of {@code release}'s sets with the window's and the whole table singles out 1 … k − 1
   * records.
   */
  boolean singlesOut(List<RoaringBitmap> release) {
    if (capacity == 0) {
      return false;
    }
    List<RoaringBitmap> fresh = new ArrayList<>();
    for (RoaringBitmap s : release) {
      if (kept(s.getLongCardinality()) && !holds(sets, s) && !holds(fresh, s)) {
        fresh.add(s);
      }
    }
    if (fresh.isEmpty()) {
      return false;
    }
    if (grouped == null) {
      grouped = Partition.of(rows);
      sets.forEach(grouped::refine);
      dropped = 0;
    }
    boolean singled = CombinationCheck.singlesOut(grouped, List.copyOf(sets), fresh, minDifference);
    if (singled && dropped > 0) {
      // Groups left by dropped sets may be what exceeded a bound: decide again over the window's own atoms.
      grouped = null;
      return singlesOut(release);
    }
    return singled;
  }

  /** Makes {@code released} the most recent sets, dropping the oldest beyond the capacity. */
  void addAll(List<RoaringBitmap> released) {
    if (capacity == 0) {
      return;
    }
    for (RoaringBitmap s : released) {
      if (!kept(s.getLongCardinality())) {
        continue;
      }
      boolean again = sets.removeIf(t -> t.getLongCardinality() == s.getLongCardinality() && t.equals(s));
      sets.addLast(s);
      if (grouped != null && !again) {
        grouped.refine(s);
      }
      while (sets.size() > capacity) {
        sets.removeFirst();
        if (++dropped > capacity) {
          grouped = null;
        }
      }
    }
  }

  private boolean kept(long cardinality) {
    return cardinality >= minDifference && cardinality < rows;
  }

  private static boolean holds(Iterable<RoaringBitmap> in, RoaringBitmap s) {
    for (RoaringBitmap t : in) {
      if (t.getLongCardinality() == s.getLongCardinality() && t.equals(s)) {
        return true;
      }
    }
    return false;
  }
}
