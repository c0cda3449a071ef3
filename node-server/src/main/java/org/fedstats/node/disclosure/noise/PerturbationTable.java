package org.fedstats.node.disclosure.noise;

import java.util.Arrays;

/**
 * The perturbation table (p-table) of the cell-key method: for each original count c, a distribution of the noise
 * d added to it, from which a cell's key picks one value by inverse CDF. The noise of a cell is therefore a fixed
 * function of (cell key, count): the same set of records always gets the same published count (repeating or
 * rephrasing a query gains nothing), while two cells that differ by one record have unrelated keys and so
 * unrelated noise (differencing two tables does not reveal the record). See {@link RecordKeys} for the keys and
 * the references.
 *
 * <p>What it guarantees, for parameters D (maximum noise), V (variance) and js (small-count threshold):
 * <ul>
 *   <li>|d| &le; D, and the published count c + d is never negative;</li>
 *   <li>a count of 0 stays 0 (an empty cell has no records and no key);</li>
 *   <li>no published count is in 1..js: small counts become 0 or a count above js;</li>
 *   <li>each row has mean exactly 0 (up to the 2⁻³² resolution of the keys), so perturbed cells add up
 *       without bias;</li>
 *   <li>each row has variance V where its support allows it. The support of row c is
 *       {d : |d| &le; D, c + d &ge; 0, c + d &notin; [1, js]}; a zero-mean law on it has variance at most
 *       |min d|·max d and, when d = 0 is excluded (c &le; js), at least c·(js + 1 − c). V is clamped into that
 *       range ({@link #rowVariance(long)} says what each row got); rows for c &ge; D + js + 1 all have the full
 *       support [−D, D] and variance V when V &lt; D².</li>
 * </ul>
 *
 * <p>Construction: where the (clamped) variance is strictly inside the feasible range, the row is the
 * <em>maximum-entropy</em> distribution on its support with mean 0 and that variance, p(d) ∝ exp(λ₁d + λ₂d²)
 * (as in the maximum-entropy p-tables of T. Enderle, S. Giessing and R. Tent, "Designing Confidentiality on the
 * Fly Methodology – Three Aspects", PSD 2018), with λ found by Newton's method on the convex dual; at either end
 * of the range it is the only zero-mean law with that variance, on two points. Probabilities are then turned into
 * cumulative thresholds on the 2³² key space, so the lookup is integer comparison and the same on every machine
 * ({@link StrictMath} is used in the construction for the same reason).
 */
public final class PerturbationTable {
  private final int maxNoise;
  private final double variance;
  private final int smallCountThreshold;
  /** rows[c] for c = 0..last; larger counts use rows[last]. */
  private final Row[] rows;

  private record Row(int[] noise, double[] probability, long[] threshold, double variance) {}

  private PerturbationTable(int maxNoise, double variance, int smallCountThreshold, Row[] rows) {
    this.maxNoise = maxNoise;
    this.variance = variance;
    this.smallCountThreshold = smallCountThreshold;
    this.rows = rows;
  }

  /**
   * Builds the table.
   *
   * @param maxNoise D, the largest noise in absolute value, at least 1 (ABS practice: 2 to 5)
   * @param variance V, the noise variance wanted, in (0, D²)
   * @param smallCountThreshold js: published counts 1..js are suppressed (become 0 or more than js); 0 for none;
   *     below D
   */
  public static PerturbationTable build(int maxNoise, double variance, int smallCountThreshold) {
    if (maxNoise < 1 || maxNoise > 100) {
      throw new IllegalArgumentException("the maximum noise must be in 1..100, not " + maxNoise);
    }
    if (!(variance > 0 && variance < (double) maxNoise * maxNoise)) {
      throw new IllegalArgumentException("the noise variance must be in (0, D^2) = (0, " + maxNoise * maxNoise
          + "), not " + variance);
    }
    if (smallCountThreshold < 0 || smallCountThreshold >= maxNoise) {
      throw new IllegalArgumentException("the small-count threshold must be in 0..D-1 = 0.." + (maxNoise - 1)
          + ", not " + smallCountThreshold);
    }
    int last = maxNoise + smallCountThreshold + 1;
    Row[] rows = new Row[last + 1];
    rows[0] = row(new int[] {0}, new double[] {1});
    for (int c = 1; c <= last; c++) {
      rows[c] = buildRow(c, maxNoise, variance, smallCountThreshold);
    }
    return new PerturbationTable(maxNoise, variance, smallCountThreshold, rows);
  }

  /**
   * The published count of a cell: its count plus the noise its key picks from the count's row.
   *
   * @param count the cell's true count, at least 0
   * @param cellKey the cell's key, in [0, 2³²) ({@link RecordKeys#cellKey})
   */
  public long perturb(long count, long cellKey) {
    return count + noise(count, cellKey);
  }

  /** The noise {@link #perturb} adds. */
  public int noise(long count, long cellKey) {
    if (count < 0) {
      throw new IllegalArgumentException("a count is at least 0, not " + count);
    }
    if (cellKey < 0 || cellKey >= RecordKeys.KEY_SPACE) {
      throw new IllegalArgumentException("a cell key is in [0, 2^32), not " + cellKey);
    }
    Row row = rowFor(count);
    int i = 0;
    while (cellKey >= row.threshold[i]) {
      i++;
    }
    return row.noise[i];
  }

  /** The noise values row {@code count} can add, ascending. */
  public int[] noiseValues(long count) {
    return rowFor(count).noise.clone();
  }

  /** Their probabilities, in the same order. */
  public double[] probabilities(long count) {
    return rowFor(count).probability.clone();
  }

  /** The variance of row {@code count}'s noise (V, or V clamped into what the row's support allows). */
  public double rowVariance(long count) {
    return rowFor(count).variance;
  }

  /** D. */
  public int maxNoise() {
    return maxNoise;
  }

  /** V as asked for. */
  public double variance() {
    return variance;
  }

  /** js. */
  public int smallCountThreshold() {
    return smallCountThreshold;
  }

  private Row rowFor(long count) {
    return rows[(int) Math.min(count, rows.length - 1)];
  }

  private static Row buildRow(int c, int d, double v, int js) {
    int[] support = java.util.stream.IntStream.rangeClosed(-d, d)
        .filter(x -> c + x >= 0 && !(c + x >= 1 && c + x <= js)).toArray();
    int lo = support[0];
    int hi = support[support.length - 1];
    boolean zeroAllowed = Arrays.binarySearch(support, 0) >= 0;
    int negNearest = -1;
    int posNearest = 1;
    for (int x : support) {
      if (x < 0) {
        negNearest = x;
      } else if (x > 0) {
        posNearest = x;
        break;
      }
    }
    double vMax = (double) -lo * hi;
    double vMin = zeroAllowed ? 0 : (double) -negNearest * posNearest;
    if (v >= vMax) {
      return twoPoint(lo, hi);
    }
    if (v <= vMin) {
      return twoPoint(negNearest, posNearest);
    }
    return maxEntropy(support, v);
  }

  /** The only zero-mean law on {a, b}, a &lt; 0 &lt; b. */
  private static Row twoPoint(int a, int b) {
    return row(new int[] {a, b}, new double[] {(double) b / (b - a), (double) -a / (b - a)});
  }

  /** p(x) ∝ exp(l1 x + l2 (x² − v)), with l1, l2 making the mean 0 and the variance v. */
  private static Row maxEntropy(int[] support, double v) {
    double l1 = 0;
    double l2 = 0;
    for (int iteration = 0; iteration < 500; iteration++) {
      double[] m = moments(support, v, l1, l2);
      double g1 = m[0];
      double g2 = m[1];
      if (Math.abs(g1) < 1e-14 && Math.abs(g2) < 1e-12) {
        break;
      }
      double h11 = m[2];
      double h12 = m[3];
      double h22 = m[4];
      double det = h11 * h22 - h12 * h12;
      double s1 = -(h22 * g1 - h12 * g2) / det;
      double s2 = -(-h12 * g1 + h11 * g2) / det;
      // backtracking on the dual F(l) = log sum exp(l1 x + l2 (x^2 - v)), which is convex
      double f = dual(support, v, l1, l2);
      double step = 1;
      while (step > 1e-12 && dual(support, v, l1 + step * s1, l2 + step * s2) > f + 1e-4 * step * (g1 * s1 + g2 * s2)) {
        step /= 2;
      }
      l1 += step * s1;
      l2 += step * s2;
    }
    double[] p = weights(support, v, l1, l2);
    return row(support, p);
  }

  private static double[] weights(int[] support, double v, double l1, double l2) {
    double max = Double.NEGATIVE_INFINITY;
    for (int x : support) {
      max = Math.max(max, l1 * x + l2 * ((double) x * x - v));
    }
    double[] w = new double[support.length];
    double z = 0;
    for (int i = 0; i < support.length; i++) {
      int x = support[i];
      w[i] = StrictMath.exp(l1 * x + l2 * ((double) x * x - v) - max);
      z += w[i];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= z;
    }
    return w;
  }

  private static double dual(int[] support, double v, double l1, double l2) {
    double max = Double.NEGATIVE_INFINITY;
    for (int x : support) {
      max = Math.max(max, l1 * x + l2 * ((double) x * x - v));
    }
    double z = 0;
    for (int x : support) {
      z += StrictMath.exp(l1 * x + l2 * ((double) x * x - v) - max);
    }
    return max + StrictMath.log(z);
  }

  /** E[x], E[x² − v], Var[x], Cov[x, x²], Var[x²] under the current weights. */
  private static double[] moments(int[] support, double v, double l1, double l2) {
    double[] p = weights(support, v, l1, l2);
    double e1 = 0;
    double e2 = 0;
    double e3 = 0;
    double e4 = 0;
    for (int i = 0; i < support.length; i++) {
      double x = support[i];
      e1 += p[i] * x;
      e2 += p[i] * x * x;
      e3 += p[i] * x * x * x;
      e4 += p[i] * x * x * x * x;
    }
    return new double[] {e1, e2 - v, e2 - e1 * e1, e3 - e1 * e2, e4 - e2 * e2};
  }

  private static Row row(int[] noise, double[] probability) {
    long[] threshold = new long[noise.length];
    double cumulative = 0;
    double mean = 0;
    double second = 0;
    for (int i = 0; i < noise.length; i++) {
      cumulative += probability[i];
      threshold[i] = Math.min(RecordKeys.KEY_SPACE, Math.round(cumulative * RecordKeys.KEY_SPACE));
      mean += probability[i] * noise[i];
      second += probability[i] * noise[i] * noise[i];
    }
    threshold[noise.length - 1] = RecordKeys.KEY_SPACE;
    return new Row(noise, probability, threshold, second - mean * mean);
  }
}
