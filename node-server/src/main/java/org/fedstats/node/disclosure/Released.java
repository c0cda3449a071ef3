package org.fedstats.node.disclosure;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a result releases, as the disclosure gate sees it: each analysis describes its output in these terms, and
 * {@link DisclosureControl#check} applies the dataset's rules to them. The cohort itself is checked by the gate for
 * every analysis.
 */
public sealed interface Released {
  /** Counts of records (table cells, histogram bins, missing-value counts): each non-zero one must be large enough. */
  record Cells(String what, long[] counts) implements Released {
    public Cells {
      Objects.requireNonNull(what, "what");
      counts = counts.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cells c && c.what.equals(what) && Arrays.equals(c.counts, counts);
    }

    @Override
    public int hashCode() {
      return what.hashCode() * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
      return "Cells[" + what + ", " + counts.length + " counts]";
    }
  }

  /** A mean and variance resting on {@code n} non-missing values. */
  record SummaryN(long n) implements Released {}

  /** A model with {@code parameters} coefficients fitted (or a round of a fit computed) on {@code n} records. */
  record Model(long n, int parameters) implements Released {}

  /**
   * A magnitude (a sum, or a mean that gives it away with n): its total over the records' absolute values and the
   * two largest of them, for the dominance and p% rules.
   */
  record Magnitude(double total, double largest, double second) implements Released {
    public Magnitude {
      if (!(total >= 0 && largest >= 0 && second >= 0 && second <= largest)) {
        throw new IllegalArgumentException("a magnitude's contributions are non-negative, largest first");
      }
    }

    /** A magnitude built one contribution at a time (its absolute value counts), for steps that read the rows. */
    public static final class Tally {
      private double total;
      private double largest;
      private double second;

      public void add(double value) {
        double v = Math.abs(value);
        total += v;
        if (v > largest) {
          second = largest;
          largest = v;
        } else if (v > second) {
          second = v;
        }
      }

      public Magnitude magnitude() {
        return new Magnitude(total, largest, second);
      }
    }
  }

  /** A categorical variable with {@code levels} levels used in a table or model over {@code records} records. */
  record Levels(int levels, long records) implements Released {}
}
