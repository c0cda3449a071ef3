package org.fedstats.node.disclosure.noise;

import java.math.BigInteger;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exact samplers of the discrete noise distributions used by the noise mechanisms, after C. L. Canonne, G. Kamath
 * and T. Steinke, "The Discrete Gaussian for Differential Privacy", NeurIPS 2020 (arXiv:2004.00010), Algorithms 1
 * to 3.
 *
 * <p>What it guarantees: each method returns a draw from exactly the stated distribution, given a source of
 * uniform random bits. The sampling path uses only integer and rational arithmetic (no floating point, so no
 * rounding and none of the floating-point attacks on the continuous Laplace mechanism, I. Mironov, CCS 2012);
 * the only randomness used is {@link RandomGenerator#nextLong(long)} and {@link RandomGenerator#nextBytes(byte[])}
 * for uniform integers in a range, drawn by rejection so they are exactly uniform.
 *
 * <p>The running time is random (rejection sampling), so a draw's duration can depend on its value; the expected
 * number of loop iterations is a small constant for every parameter (see the paper, sections 5.1 and 5.2).
 *
 * <p>In production give it a {@link java.security.SecureRandom}; tests give a seeded generator. An instance is
 * safe for concurrent use exactly when its generator is ({@code SecureRandom} is).
 */
public final class ExactSampler {
  /** Parameters below 2^40 are handled in {@code long} arithmetic (the same algorithm, faster). */
  private static final int LONG_PATH_BITS = 40;

  private final RandomGenerator random;

  /** @param random the source of uniform random bits; a {@link java.security.SecureRandom} in production */
  public ExactSampler(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A sampler over a fresh {@link java.security.SecureRandom}, as the node uses. */
  public static ExactSampler secure() {
    return new ExactSampler(new java.security.SecureRandom());
  }

  /** Bernoulli({@code p}) for a rational {@code p} in [0, 1]: true with probability exactly {@code p}. */
  public boolean bernoulli(Rational p) {
    if (p.compareTo(Rational.ONE) > 0) {
      throw new IllegalArgumentException("a probability is at most 1, not " + p);
    }
    return bernoulli(p.numerator(), p.denominator());
  }

  /** True with probability {@code n / d}, for 0 &le; n &le; d, d &gt; 0. */
  private boolean bernoulli(BigInteger n, BigInteger d) {
    return uniformBelow(d).compareTo(n) < 0;
  }

  /**
   * Bernoulli(exp(&minus;γ)) for a rational γ &ge; 0 (Algorithm 1 of the paper): true with probability exactly
   * {@code exp(-gamma)}.
   */
  public boolean bernoulliExpMinus(Rational gamma) {
    return bernoulliExpMinus(gamma.numerator(), gamma.denominator());
  }

  /** Bernoulli(exp(-n/d)), n &ge; 0, d &gt; 0. */
  private boolean bernoulliExpMinus(BigInteger n, BigInteger d) {
    if (d.bitLength() < LONG_PATH_BITS && n.bitLength() < LONG_PATH_BITS) {
      return bernoulliExpMinus(n.longValue(), d.longValue());
    }
    if (n.compareTo(d) <= 0) {
      // gamma in [0, 1]: count K until Bernoulli(gamma / K) fails; exp(-gamma) is the probability that K is odd.
      long k = 1;
      while (bernoulli(n, d.multiply(BigInteger.valueOf(k)))) {
        k++;
      }
      return (k & 1) == 1;
    }
    // gamma > 1: exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma))).
    BigInteger[] whole = n.divideAndRemainder(d);
    for (BigInteger i = BigInteger.ZERO; i.compareTo(whole[0]) < 0; i = i.add(BigInteger.ONE)) {
      if (!bernoulliExpMinus(BigInteger.ONE, BigInteger.ONE)) {
        return false;
      }
    }
    return bernoulliExpMinus(whole[1], d);
  }

  /** The same algorithm in {@code long} arithmetic, for parameters below 2^{@value #LONG_PATH_BITS}. */
  private boolean bernoulliExpMinus(long n, long d) {
    if (n <= d) {
      long k = 1;
      // d * k cannot overflow: k stays far below 2^(63 - LONG_PATH_BITS) (P(k > j) = gamma^j / j!)
      while (random.nextLong(Math.multiplyExact(d, k)) < n) {
        k++;
      }
      return (k & 1) == 1;
    }
    for (long i = n / d; i > 0; i--) {
      if (!bernoulliExpMinus(1, 1)) {
        return false;
      }
    }
    return bernoulliExpMinus(n % d, d);
  }

  /**
   * The discrete Laplace distribution with scale {@code scale} = t/s (Algorithm 2 of the paper): an integer
   * {@code x} with probability proportional to exp(&minus;|x| / scale), i.e. {@code (1 - q)/(1 + q) * q^|x|} with
   * {@code q = exp(-1/scale)}. Mean 0, variance {@code 2q / (1 - q)^2}.
   *
   * @param scale positive
   */
  public long discreteLaplace(Rational scale) {
    requirePositive(scale, "the discrete Laplace scale");
    BigInteger t = scale.numerator();
    BigInteger s = scale.denominator();
    while (true) {
      BigInteger u = uniformBelow(t);
      if (!bernoulliExpMinus(u, t)) {
        continue;
      }
      long v = 0;
      while (bernoulliExpMinus(1L, 1L)) {
        v++;
      }
      // x = u + t*v is geometric with parameter 1 - exp(-1/t); y = floor(x / s) with parameter 1 - exp(-s/t).
      BigInteger x = u.add(t.multiply(BigInteger.valueOf(v)));
      long y = x.divide(s).longValueExact();
      boolean negative = random.nextBoolean();
      if (negative && y == 0) {
        continue;
      }
      return negative ? -y : y;
    }
  }

  /**
   * The discrete Gaussian distribution with variance parameter {@code sigma2} = σ² (Algorithm 3 of the paper): an
   * integer {@code x} with probability proportional to exp(&minus;x² / (2σ²)). Mean 0; its variance is a little below
   * σ² (see {@link #discreteGaussianVariance(double)}).
   *
   * @param sigma2 positive
   */
  public long discreteGaussian(Rational sigma2) {
    requirePositive(sigma2, "the discrete Gaussian variance");
    BigInteger a = sigma2.numerator();
    BigInteger b = sigma2.denominator();
    BigInteger t = sigma2.floorSqrt().add(BigInteger.ONE);
    Rational laplaceScale = new Rational(t, BigInteger.ONE);
    // gamma = (|y| - sigma2/t)^2 / (2 sigma2) = (|y| b t - a)^2 / (2 a b t^2)
    BigInteger gammaDenominator = BigInteger.TWO.multiply(a).multiply(b).multiply(t).multiply(t);
    BigInteger bt = b.multiply(t);
    while (true) {
      long y = discreteLaplace(laplaceScale);
      BigInteger diff = BigInteger.valueOf(Math.abs(y)).multiply(bt).subtract(a);
      if (bernoulliExpMinus(diff.multiply(diff), gammaDenominator)) {
        return y;
      }
    }
  }

  /** The variance of the discrete Laplace distribution with scale {@code scale}: 2q/(1&minus;q)², q = e^(&minus;1/scale). */
  public static double discreteLaplaceVariance(double scale) {
    double q = Math.exp(-1 / scale);
    return 2 * q / ((1 - q) * (1 - q));
  }

  /**
   * The variance of the discrete Gaussian with parameter σ², summed numerically over |x| up to 40σ + 40 (the rest
   * is below double precision). It is below σ², and for σ² &ge; 1 equal to it to about double precision.
   */
  public static double discreteGaussianVariance(double sigma2) {
    long limit = (long) Math.ceil(40 * Math.sqrt(sigma2)) + 40;
    double z = 1;
    double second = 0;
    for (long x = limit; x >= 1; x--) {
      double w = Math.exp(-(double) x * x / (2 * sigma2));
      z += 2 * w;
      second += 2 * w * x * x;
    }
    return second / z;
  }

  /** A uniform integer in [0, bound), exactly, by rejection. */
  private BigInteger uniformBelow(BigInteger bound) {
    if (bound.bitLength() < Long.SIZE) {
      return BigInteger.valueOf(random.nextLong(bound.longValueExact()));
    }
    int bits = bound.bitLength();
    byte[] bytes = new byte[(bits + 7) / 8];
    int excess = bytes.length * 8 - bits;
    while (true) {
      random.nextBytes(bytes);
      bytes[0] &= (byte) (0xFF >>> excess);
      BigInteger candidate = new BigInteger(1, bytes);
      if (candidate.compareTo(bound) < 0) {
        return candidate;
      }
    }
  }

  private static void requirePositive(Rational r, String what) {
    if (r.isZero()) {
      throw new IllegalArgumentException(what + " must be positive");
    }
  }
}
