package org.fedstats.node.overlap;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.roaringbitmap.RoaringBitmap;
import org.junit.jupiter.api.Test;

/**
 * The combination check on its own, over a table of 300 records whose "age" is {@code row % 60 + 30} (5 records of
 * each age from 30 to 89) and k = 10: sets chosen so that their linear combinations do or do not single out a few
 * records, with the expected answer worked out by hand in each case.
 */
class CombinationCheckTest {
  private static final int ROWS = 300;
  private static final int K = 10;

  private static RoaringBitmap ages(IntPredicate age) {
    return RoaringBitmap.bitmapOf(IntStream.range(0, ROWS).filter(r -> age.test(r % 60 + 30)).toArray());
  }

  private static boolean singlesOut(List<RoaringBitmap> earlier, RoaringBitmap... fresh) {
    return CombinationCheck.singlesOut(ROWS, earlier, List.of(fresh), K);
  }

  @Test
  void threeReleasesWhoseCombinationIsOneAgeAreCaughtInAnyOrder() {
    RoaringBitmap a = ages(x -> x >= 60); // 150
    RoaringBitmap b = ages(x -> x >= 70); // 100
    RoaringBitmap c = ages(x -> x >= 61 && x < 70); // 45; a − b − c: the 5 aged 60
    assertThat(singlesOut(List.of(a, b), c)).isTrue();
    assertThat(singlesOut(List.of(c, b), a)).isTrue();
    assertThat(singlesOut(List.of(a, c), b)).isTrue();
    // Each pair alone is harmless.
    assertThat(singlesOut(List.of(a), b)).isFalse();
    assertThat(singlesOut(List.of(b), c)).isFalse();
  }

  @Test
  void twoReleasesWithTheWholeTableAreCaught() {
    // |age >= 60| + |age <= 60| − |everyone| = those aged 60.
    assertThat(singlesOut(List.of(ages(x -> x >= 60)), ages(x -> x <= 60))).isTrue();
  }

  @Test
  void fourReleasesAndACellSplitFurtherAreCaught() {
    List<RoaringBitmap> earlier = List.of(ages(x -> x >= 60), ages(x -> x >= 70), ages(x -> x >= 61 && x < 65));
    assertThat(singlesOut(earlier, ages(x -> x >= 65 && x < 70))).isTrue();
  }

  @Test
  void aGroupSpreadOverTwoAtomsIsCaughtThoughNeitherAtomIsAlone() {
    // The 40s and the 50s are released apart, so ages 45 and 55 are two atoms; both − rest is ages 45 and 55
    // together (10 records), and no combination gives either age alone.
    List<RoaringBitmap> earlier = List.of(ages(x -> x >= 40 && x < 50), ages(x -> x >= 50 && x < 60),
        ages(x -> (x >= 40 && x <= 45) || (x >= 50 && x <= 55)));
    RoaringBitmap rest = ages(x -> (x >= 40 && x < 45) || (x >= 50 && x < 55));
    assertThat(CombinationCheck.singlesOut(ROWS, earlier, List.of(rest), 11)).isTrue();
    // Ten records are a group of k = 10: allowed.
    assertThat(singlesOut(earlier, rest)).isFalse();
    // With age 55 kept in, the difference is age 45 alone (5 records).
    assertThat(singlesOut(earlier, ages(x -> (x >= 40 && x < 45) || (x >= 50 && x <= 55)))).isTrue();
  }

  @Test
  void aNarrowerSetInsideAFormerDifferenceIsCaught() {
    // y − z is ages 30 and 31 (10 records: allowed); y − w, with w = ages 31-59, is age 30 alone (5).
    RoaringBitmap y = ages(x -> x >= 30 && x < 60);
    RoaringBitmap z = ages(x -> x >= 32 && x < 60);
    assertThat(singlesOut(List.of(y), z)).isFalse();
    assertThat(singlesOut(List.of(y, z), ages(x -> x >= 31 && x < 60))).isTrue();
  }

  @Test
  void legitimateSequencesPass() {
    RoaringBitmap old = ages(x -> x >= 60);
    // The same set again, a cohort differing by 10 or more, tables over one cohort, a histogram over everyone.
    assertThat(singlesOut(List.of(old), old)).isFalse();
    assertThat(singlesOut(List.of(old), ages(x -> x >= 62))).isFalse();
    RoaringBitmap even = RoaringBitmap.bitmapOf(IntStream.range(0, ROWS).filter(r -> r % 2 == 0).toArray());
    RoaringBitmap oldEven = RoaringBitmap.and(old, even);
    RoaringBitmap oldOdd = RoaringBitmap.andNot(old, even);
    assertThat(singlesOut(List.of(old, ages(x -> x >= 62)), oldEven, oldOdd)).isFalse();
    assertThat(singlesOut(List.of(old, oldEven, oldOdd), ages(x -> x < 40), ages(x -> x >= 40 && x < 50),
        ages(x -> x >= 50 && x < 70), ages(x -> x >= 70))).isFalse();
  }

  @Test
  void randomCohortsOfManyRecordsAreNotRefusedForLackOfRoom() {
    // 40 random cohorts of about half the records: every atom of the 41 sets is tiny, but no combination of them
    // (40 vectors in a space of 300 records) vanishes on all but a few records.
    Random random = new Random(7);
    List<RoaringBitmap> earlier = IntStream.range(0, 40).mapToObj(i -> RoaringBitmap.bitmapOf(
        IntStream.range(0, ROWS).filter(r -> random.nextBoolean()).toArray())).toList();
    assertThat(singlesOut(earlier.subList(0, 39), earlier.get(39))).isFalse();
  }

  @Test
  void theLightestSupportIsFoundAmongElementaryVectors() {
    // Span of (1,1,1,0) and (0,1,1,1) with weights 5,5,5,5: (1,0,0,−1) weighs 10; (1,1,1,0) 15; least 10.
    List<BigInteger[]> basis = List.of(ints(1, 1, 1, 0), ints(0, 1, 1, 1));
    assertThat(CombinationCheck.lightestSupport(basis, new long[] {5, 5, 5, 5})).isEqualTo(10);
    // Weights 3,20,20,4: (1,0,0,−1) weighs 7.
    assertThat(CombinationCheck.lightestSupport(basis, new long[] {3, 20, 20, 4})).isEqualTo(7);
  }

  @Test
  void theWindowOfRecentSetsSlidesAndKeepsItsGroupingExact() {
    RecentSets recent = new RecentSets(4, K, ROWS);
    RoaringBitmap a = ages(x -> x >= 60);
    RoaringBitmap b = ages(x -> x >= 70);
    RoaringBitmap c = ages(x -> x >= 61 && x < 70);
    recent.addAll(List.of(a, b));
    assertThat(recent.singlesOut(List.of(c))).isTrue();
    // Random half-cohorts push a and b out of a window of 4: the combination is then beyond what the check sees.
    Random random = new Random(11);
    for (int i = 0; i < 4; i++) {
      recent.addAll(List.of(RoaringBitmap.bitmapOf(IntStream.range(0, ROWS).filter(r -> random.nextBoolean())
          .toArray())));
    }
    assertThat(recent.singlesOut(List.of(c))).isFalse();
    // Released again, they are recent again; many more releases later (the grouping rebuilt), still caught.
    recent.addAll(List.of(a, b));
    assertThat(recent.singlesOut(List.of(c))).isTrue();
    for (int i = 0; i < 9; i++) {
      recent.addAll(List.of(RoaringBitmap.bitmapOf(IntStream.range(0, ROWS).filter(r -> random.nextBoolean())
          .toArray())));
      recent.addAll(List.of(a, b));
      assertThat(recent.singlesOut(List.of(c))).isTrue();
      assertThat(recent.singlesOut(List.of(ages(x -> x >= 62 && x < 70)))).isFalse();
    }
  }

  private static BigInteger[] ints(long... values) {
    return java.util.Arrays.stream(values).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
  }
}
