package org.fedstats.node.overlap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** Differences of 1 to k − 1 records, between remembered sets, the whole table and sets released together. */
class SetIndexTest {
  private final SetIndex index = new SetIndex(1_000, 10);

  private record InMemory(RoaringBitmap load) implements SetIndex.Stored {
    @Override
    public long cardinality() {
      return load.getLongCardinality();
    }
  }

  /** Remembers {@code set} unless it already is; returns whether it was new. */
  private boolean add(RoaringBitmap set) {
    if (index.contains(set)) {
      return false;
    }
    index.add(new InMemory(set));
    return true;
  }

  @Test
  void setsDifferingByOneToNineRecordsAreTooCloseAndIdenticalOrDistantOnesAreNot() {
    add(RoaringBitmap.bitmapOfRange(100, 200));
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(100, 200), List.of())).isFalse();
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(100, 199), List.of())).isTrue();
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(100, 191), List.of())).isTrue();
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(100, 190), List.of())).isFalse();
    // Same size, different records: the symmetric difference counts, not the sizes.
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(104, 204), List.of())).isTrue();
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(105, 205), List.of())).isFalse();
  }

  @Test
  void theWholeTableCountsAsReleasedAndSetsReleasedTogetherAreComparedToo() {
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(0, 995), List.of())).isTrue();
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(0, 990), List.of())).isFalse();
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(0, 1_000), List.of())).isFalse();
    assertThat(index.tooClose(RoaringBitmap.bitmapOfRange(0, 50), List.of(RoaringBitmap.bitmapOfRange(0, 52))))
        .isTrue();
  }

  @Test
  void aSetIsRememberedOnce() {
    assertThat(add(RoaringBitmap.bitmapOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))).isTrue();
    assertThat(add(RoaringBitmap.bitmapOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))).isFalse();
    assertThat(add(RoaringBitmap.bitmapOfRange(0, 1_000))).isFalse();
    assertThat(index.size()).isEqualTo(1);
  }
}
