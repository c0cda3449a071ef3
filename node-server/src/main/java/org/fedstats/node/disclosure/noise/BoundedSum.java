package org.fedstats.node.disclosure.noise;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * The declared bounds and grid of a variable whose sum (or mean) is released with noise. Each value is clamped to
 * [{@code lo}, {@code hi}] and rounded to the nearest multiple of {@code resolution} (half to even), so the sum is an
 * integer number of grid units and one record changes it by at most
 * {@code sensitivity = max(|lo|, |hi|) / resolution} units: the integer noise of a {@link NoiseMechanism} with that
 * sensitivity then protects it. The bounds must come from the dataset's declaration, never from the data (bounds
 * read off the data would themselves leak).
 *
 * <p>Examples: ages in whole years, {@code [0, 120]} step 1, sensitivity 120; a lab value in {@code [0, 50]} step
 * 0.1, sensitivity 500.
 *
 * @param lo the smallest value counted, a multiple of {@code resolution}
 * @param hi the largest value counted, a multiple of {@code resolution}, at least {@code lo}
 * @param resolution the grid step, positive
 */
public record BoundedSum(BigDecimal lo, BigDecimal hi, BigDecimal resolution) {
  public BoundedSum {
    Objects.requireNonNull(lo, "lo");
    Objects.requireNonNull(hi, "hi");
    Objects.requireNonNull(resolution, "resolution");
    if (resolution.signum() <= 0) {
      throw new IllegalArgumentException("resolution must be positive, not " + resolution.toPlainString());
    }
    if (lo.compareTo(hi) > 0) {
      throw new IllegalArgumentException("lo " + lo.toPlainString() + " is above hi " + hi.toPlainString());
    }
    if (lo.remainder(resolution).signum() != 0 || hi.remainder(resolution).signum() != 0) {
      throw new IllegalArgumentException("lo and hi must be multiples of the resolution "
          + resolution.toPlainString());
    }
    if (lo.signum() == 0 && hi.signum() == 0) {
      throw new IllegalArgumentException("bounds [0, 0] leave nothing to sum");
    }
  }

  /** {@code BoundedSum.of("0", "120", "1")}. */
  public static BoundedSum of(String lo, String hi, String resolution) {
    return new BoundedSum(new BigDecimal(lo), new BigDecimal(hi), new BigDecimal(resolution));
  }

  /** {@code max(|lo|, |hi|) / resolution}: the most one record changes the sum, in grid units. */
  public long sensitivity() {
    return lo.abs().max(hi.abs()).divide(resolution).longValueExact();
  }

  /** A value clamped to the bounds and rounded to the grid, in grid units. Infinities clamp; NaN is refused. */
  public long gridUnits(double value) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("NaN has no place on the grid");
    }
    BigDecimal v = value == Double.POSITIVE_INFINITY ? hi
        : value == Double.NEGATIVE_INFINITY ? lo : new BigDecimal(value).max(lo).min(hi);
    return v.divide(resolution, 0, RoundingMode.HALF_EVEN).longValueExact();
  }

  /** The sum of the values in grid units, each clamped and rounded. */
  public long gridSum(double... values) {
    long sum = 0;
    for (double v : values) {
      sum = Math.addExact(sum, gridUnits(v));
    }
    return sum;
  }

  /** Grid units back to the variable's unit: {@code units * resolution}. */
  public BigDecimal value(long units) {
    return resolution.multiply(BigDecimal.valueOf(units));
  }

  /**
   * The sum released with the mechanism's noise, in the variable's unit.
   *
   * @param gridSum the exact sum in grid units ({@link #gridSum})
   * @param noise a mechanism whose sensitivity is at least {@link #sensitivity()}
   */
  public BigDecimal noisySum(long gridSum, NoiseMechanism noise) {
    requireCovers(noise);
    return value(noise.release(gridSum));
  }

  void requireCovers(NoiseMechanism noise) {
    if (noise.sensitivity() < sensitivity()) {
      throw new IllegalArgumentException("the noise is calibrated for sensitivity " + noise.sensitivity()
          + " but the sum's is " + sensitivity());
    }
  }
}
