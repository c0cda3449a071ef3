package org.fedstats.node.overlap;

import java.util.List;
import java.util.Objects;
import org.fedstats.node.store.DataVersion;
import org.roaringbitmap.RoaringBitmap;

/**
 * The record sets one answer would release from a dataset, as row ids of its data version: the cohort, and each
 * non-empty cell, bin or complete-case set the analysis counts.
 */
public record ReleasedSets(String dataset, DataVersion version, List<RoaringBitmap> sets) {
  public ReleasedSets {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(version, "version");
    sets = List.copyOf(sets);
  }
}
