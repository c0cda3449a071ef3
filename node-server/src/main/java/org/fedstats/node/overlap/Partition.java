package org.fedstats.node.overlap;

import java.util.Arrays;
import org.roaringbitmap.RoaringBatchIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The records of a table grouped by the sets they belong to: every record starts in one group, and each set
 * {@link #refine refines} the grouping by moving its records to a new group per group they were in (one pass over
 * the set's records, exact). A grouping refined by more sets than those a check uses is finer than their atoms,
 * which changes no answer of the {@link CombinationCheck} (groups of one atom have equal columns, so every
 * combination is equal on them and its support weighs the same), only its cost.
 */
final class Partition {
  private final int[] groupOf;
  /** Per group id, its number of records (ids of groups emptied by a refinement keep 0). */
  private long[] size;
  private int ids;

  private Partition(int[] groupOf, long[] size, int ids) {
    this.groupOf = groupOf;
    this.size = size;
    this.ids = ids;
  }

  /** All {@code rows} records in one group. */
  static Partition of(long rows) {
    long[] size = new long[64];
    size[0] = rows;
    return new Partition(new int[Math.toIntExact(rows)], size, 1);
  }

  /** A copy, to refine further without changing this one. */
  Partition copy() {
    return new Partition(groupOf.clone(), size.clone(), ids);
  }

  /** Splits each group by membership of {@code set}. */
  void refine(RoaringBitmap set) {
    int[] moved = new int[ids];
    Arrays.fill(moved, -1);
    int[] batch = new int[256];
    RoaringBatchIterator it = set.getBatchIterator();
    while (it.hasNext()) {
      int got = it.nextBatch(batch);
      for (int i = 0; i < got; i++) {
        int r = batch[i];
        int old = groupOf[r];
        int to = moved[old];
        if (to < 0) {
          to = ids++;
          moved[old] = to;
          if (to == size.length) {
            size = Arrays.copyOf(size, to * 2);
          }
        }
        groupOf[r] = to;
        size[old]--;
        size[to]++;
      }
    }
  }

  /** The non-empty groups, each with one of its records and its size; null if there are more than {@code max}. */
  CombinationCheck.Atoms atoms(int max) {
    int groups = 0;
    for (int a = 0; a < ids; a++) {
      if (size[a] > 0) {
        groups++;
      }
    }
    if (groups > max) {
      return null;
    }
    int[] representative = new int[ids];
    for (int r = groupOf.length - 1; r >= 0; r--) {
      representative[groupOf[r]] = r;
    }
    int[] rep = new int[groups];
    long[] sizes = new long[groups];
    int at = 0;
    for (int a = 0; a < ids; a++) {
      if (size[a] > 0) {
        rep[at] = representative[a];
        sizes[at++] = size[a];
      }
    }
    return new CombinationCheck.Atoms(rep, sizes);
  }
}
