package org.fedstats.node.disclosure.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cell-key perturbation: stable per record set, unbiased, of the stated variance, and no help to differencing. */
class CellKeyPerturbationTest {
  private static final byte[] SECRET = "a node secret of thirty-two bytes or more".getBytes(StandardCharsets.UTF_8);
  private final RecordKeys keys = new RecordKeys(SECRET, "cohort");
  private final PerturbationTable table = PerturbationTable.build(3, 1.5, 2);

  private long cellKey(List<Long> rowIds) {
    long key = 0;
    for (long id : rowIds) {
      key = RecordKeys.addKeys(key, keys.recordKey(id));
    }
    return key;
  }

  private long perturbed(List<Long> rowIds) {
    return table.perturb(rowIds.size(), cellKey(rowIds));
  }

  @Test
  void recordKeysAreStableAndDependOnSecretAndDataset() {
    assertThat(keys.recordKey(42)).isEqualTo(new RecordKeys(SECRET, "cohort").recordKey(42))
        .isNotEqualTo(keys.recordKey(43))
        .isNotEqualTo(new RecordKeys(SECRET, "other").recordKey(42))
        .isBetween(0L, RecordKeys.KEY_SPACE - 1);
    byte[] otherSecret = SECRET.clone();
    otherSecret[0] ^= 1;
    assertThat(new RecordKeys(otherSecret, "cohort").recordKey(42)).isNotEqualTo(keys.recordKey(42));
    assertThat(RecordKeys.cellKey(RecordKeys.KEY_SPACE - 1, 2)).isEqualTo(1);
    assertThatThrownBy(() -> new RecordKeys(new byte[16], "cohort")).hasMessageContaining("at least 32 bytes");
  }

  @Test
  void recordKeysLookUniform() {
    int n = 100_000;
    int[] bins = new int[10];
    for (long id = 0; id < n; id++) {
      bins[(int) (RecordKeys.fraction(keys.recordKey(id)) * 10)]++;
    }
    for (int b : bins) {
      assertThat(b).isCloseTo(n / 10, within(5 * (int) Math.sqrt(n / 10.0)));
    }
  }

  @Test
  void theSameRecordSetAlwaysGetsTheSamePublishedCount() {
    List<Long> ids = new ArrayList<>();
    for (long id = 1000; id < 1037; id++) {
      ids.add(id);
    }
    long first = perturbed(ids);
    Random shuffle = new Random(5);
    for (int i = 0; i < 50; i++) {
      Collections.shuffle(ids, shuffle);
      assertThat(perturbed(ids)).isEqualTo(first);
    }
  }

  @Test
  void everyRowHasMeanZeroTheBoundedSupportAndTheVarianceItCanCarry() {
    for (int c = 0; c <= 20; c++) {
      int[] noise = table.noiseValues(c);
      double[] p = table.probabilities(c);
      double mean = 0;
      double second = 0;
      double total = 0;
      for (int i = 0; i < noise.length; i++) {
        assertThat(Math.abs(noise[i])).isLessThanOrEqualTo(3);
        long out = c + noise[i];
        assertThat(out).isNotNegative();
        assertThat(out >= 1 && out <= 2).as("published %d from %d", out, c).isFalse();
        mean += p[i] * noise[i];
        second += p[i] * noise[i] * noise[i];
        total += p[i];
      }
      assertThat(total).isCloseTo(1, within(1e-12));
      assertThat(mean).as("row %d mean", c).isCloseTo(0, within(1e-9));
      assertThat(second).isCloseTo(table.rowVariance(c), within(1e-9));
    }
    assertThat(table.rowVariance(0)).isZero();
    // row 1: support {-1 -> 0, +2 -> 3, +3 -> 4}; zero-mean variance lies in [1*2, 1*3]: V = 1.5 is clamped up to 2
    assertThat(table.rowVariance(1)).isCloseTo(2, within(1e-9));
    for (int c = 3; c <= 20; c++) {
      assertThat(table.rowVariance(c)).as("row %d", c).isCloseTo(1.5, within(1e-9));
    }
  }

  @ParameterizedTest(name = "D={0}, V={1}, js={2}")
  @CsvSource({"2, 1, 0", "3, 1.5, 2", "5, 3, 3", "5, 20, 0", "4, 0.2, 1"})
  void tablesExistForTypicalParameters(int d, double v, int js) {
    PerturbationTable t = PerturbationTable.build(d, v, js);
    assertThat(t.rowVariance(1000)).isCloseTo(v, within(1e-9));
    assertThat(t.noiseValues(1000)).containsExactly(java.util.stream.IntStream.rangeClosed(-d, d).toArray());
  }

  @Test
  void overManyCellsTheNoiseHasMeanZeroAndVarianceV() {
    SplittableRandom random = new SplittableRandom(17);
    int cells = 20_000;
    double sum = 0;
    double sumSq = 0;
    long nextId = 0;
    for (int i = 0; i < cells; i++) {
      int count = 10 + random.nextInt(40);
      List<Long> ids = new ArrayList<>(count);
      for (int j = 0; j < count; j++) {
        ids.add(nextId++);
      }
      long noise = perturbed(ids) - count;
      assertThat(Math.abs(noise)).isLessThanOrEqualTo(3);
      sum += noise;
      sumSq += noise * noise;
    }
    double mean = sum / cells;
    double variance = sumSq / cells - mean * mean;
    assertThat(mean).isCloseTo(0, within(5 * Math.sqrt(1.5 / cells)));
    assertThat(variance).isCloseTo(1.5, within(0.06));
  }

  @Test
  void smallCellsAreNeverNegativeNorInOneToJs() {
    for (long id = 0; id < 5000; id++) {
      List<Long> ids = List.of(id, id + 100_000, id + 200_000);
      for (int size = 1; size <= 3; size++) {
        long out = perturbed(ids.subList(0, size));
        assertThat(out).isNotNegative().isLessThanOrEqualTo(size + 3);
        assertThat(out == 1 || out == 2).isFalse();
      }
    }
    assertThat(table.perturb(0, 12345)).isZero();
  }

  @Test
  void addingOneRecordGivesUnrelatedNoiseSoDifferencingRarelyRevealsIt() {
    int trials = 10_000;
    int revealed = 0;
    long nextId = 0;
    for (int i = 0; i < trials; i++) {
      List<Long> a = new ArrayList<>();
      for (int j = 0; j < 12; j++) {
        a.add(nextId++);
      }
      List<Long> b = new ArrayList<>(a);
      b.add(nextId++);
      if (perturbed(b) - perturbed(a) == 1) {
        revealed++;
      }
    }
    // independent noise reveals the difference only when both noises are equal: sum of p(d)^2
    double collision = 0;
    for (double p : table.probabilities(12)) {
      collision += p * p;
    }
    double fraction = (double) revealed / trials;
    assertThat(fraction).isCloseTo(collision, within(5 * Math.sqrt(collision * (1 - collision) / trials)));
    assertThat(fraction).isLessThan(0.35);
  }

  @Test
  void parametersAreValidated() {
    assertThatThrownBy(() -> PerturbationTable.build(0, 1, 0)).hasMessageContaining("maximum noise");
    assertThatThrownBy(() -> PerturbationTable.build(2, 4, 0)).hasMessageContaining("(0, D^2)");
    assertThatThrownBy(() -> PerturbationTable.build(2, 1, 2)).hasMessageContaining("small-count threshold");
    assertThatThrownBy(() -> table.perturb(-1, 0)).hasMessageContaining("at least 0");
    assertThatThrownBy(() -> table.perturb(1, RecordKeys.KEY_SPACE)).hasMessageContaining("cell key");
  }
}
