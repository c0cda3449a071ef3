package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fedstats.node.analysis.RecordSets;
import org.fedstats.node.store.DataVersion;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class RecordSetCacheTest {
  private static final DataVersion V1 = new DataVersion("a".repeat(64), 1000);
  private static final DataVersion V2 = new DataVersion("b".repeat(64), 1000);

  private static RecordSetCache.Key key(DataVersion version, Object param) {
    return new RecordSetCache.Key("colon", version, List.of(new RecordSets("SELECT rowid FROM t WHERE (x > ?)",
        List.of(param))));
  }

  @Test
  void theSameQueriesOnTheSameDataGiveTheSetsBackAndNothingElseDoes() {
    RecordSetCache cache = new RecordSetCache(RecordSetCache.MAX_BYTES);
    cache.put(key(V1, 60.0), List.of(RoaringBitmap.bitmapOf(1, 2, 3)));
    assertThat(cache.get(key(V1, 60.0))).hasValueSatisfying(s -> assertThat(s).containsExactly(
        RoaringBitmap.bitmapOf(1, 2, 3)));
    assertThat(cache.get(key(V1, 61.0))).as("another bound value").isEmpty();
    assertThat(cache.get(key(V2, 60.0))).as("new data").isEmpty();
  }

  @Test
  void whatItHandsOutCanBeChangedWithoutChangingWhatItKeeps() {
    RecordSetCache cache = new RecordSetCache(RecordSetCache.MAX_BYTES);
    RoaringBitmap set = RoaringBitmap.bitmapOf(1, 2, 3);
    cache.put(key(V1, 60.0), List.of(set));
    set.add(4);
    cache.get(key(V1, 60.0)).orElseThrow().get(0).add(5);
    assertThat(cache.get(key(V1, 60.0)).orElseThrow().get(0)).isEqualTo(RoaringBitmap.bitmapOf(1, 2, 3));
  }

  @Test
  void itStaysWithinItsBoundDroppingTheLeastRecentlyUsed() {
    RoaringBitmap dense = new RoaringBitmap();
    dense.add(0L, 200_000L);
    dense.flip(0L, 200_000L);
    for (int i = 0; i < 200_000; i += 2) {
      dense.add(i);
    }
    long one = dense.getLongSizeInBytes();
    RecordSetCache cache = new RecordSetCache(3 * one);
    for (int i = 0; i < 3; i++) {
      cache.put(key(V1, (double) i), List.of(dense));
    }
    assertThat(cache.get(key(V1, 0.0))).isPresent();
    cache.put(key(V1, 3.0), List.of(dense));
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.get(key(V1, 1.0))).as("least recently used").isEmpty();
    assertThat(cache.get(key(V1, 0.0))).isPresent();
    RecordSetCache tiny = new RecordSetCache(one - 1);
    tiny.put(key(V1, 0.0), List.of(dense));
    assertThat(tiny.size()).as("a release larger than the bound is not kept").isZero();
  }
}
