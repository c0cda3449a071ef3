package org.fedstats.node.gate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.node.analysis.RecordSets;
import org.fedstats.node.store.DataVersion;
import org.roaringbitmap.RoaringBitmap;

/**
 * The record sets the overlap audit has read for a release, by data version and the queries that selected them, so
 * that a multi-round analysis (one cohort, one model) reads its estimation sample's row ids once rather than every
 * round. The sets are a function of the data version and the queries alone, so the node stays stateless: an evicted
 * entry is read again. Bounded by the bitmaps' size in memory; least recently used entries go first.
 */
final class RecordSetCache {
  /** What the cache may hold, in bytes of bitmaps. */
  static final long MAX_BYTES = 32L * 1024 * 1024;

  /** The data version and every query of one release, in order. */
  record Key(String dataset, DataVersion version, List<RecordSets> queries) {
    Key {
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(version, "version");
      queries = List.copyOf(queries);
    }
  }

  private final long maxBytes;
  private final Map<Key, List<RoaringBitmap>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  RecordSetCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Copies of the sets cached for {@code key}, if any (the caller may change them). */
  synchronized Optional<List<RoaringBitmap>> get(Key key) {
    List<RoaringBitmap> sets = entries.get(key);
    return sets == null ? Optional.empty() : Optional.of(copies(sets));
  }

  /** Keeps copies of {@code sets} for {@code key}, unless they alone exceed the bound. */
  synchronized void put(Key key, List<RoaringBitmap> sets) {
    long size = sizeOf(sets);
    if (size > maxBytes) {
      return;
    }
    List<RoaringBitmap> previous = entries.put(key, copies(sets));
    if (previous != null) {
      bytes -= sizeOf(previous);
    }
    bytes += size;
    var eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= sizeOf(eldest.next().getValue());
      eldest.remove();
    }
  }

  synchronized int size() {
    return entries.size();
  }

  private static List<RoaringBitmap> copies(List<RoaringBitmap> sets) {
    List<RoaringBitmap> copies = new ArrayList<>(sets.size());
    sets.forEach(s -> copies.add(s.clone()));
    return copies;
  }

  private static long sizeOf(List<RoaringBitmap> sets) {
    return sets.stream().mapToLong(RoaringBitmap::getLongSizeInBytes).sum();
  }
}
