package org.fedstats.node.overlap;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * The overlap rule against differencing by linear combinations of several releases: whether some combination
 * {@code Σ cᵢ·1(Sᵢ)} of released record sets (their indicator vectors, with any rational weights, the whole table
 * among them) that uses a new set is a non-zero vector on 1 to k − 1 records. Counts and sums of released sets are
 * linear in those vectors, so such a combination tells a count or a sum over fewer than k records:
 * {@code count(age >= 60) − count(age >= 70) − count(61 <= age < 70)} counts the patients aged 60 although every
 * pair of the three differs by many. This is the audit of SUM/COUNT queries of Chin and Özsoyoğlu (a value is
 * compromised iff a unit vector lies in the row space of the released query vectors), widened from one record to
 * groups of fewer than k.
 *
 * <p>How: the records are split into <em>atoms</em>, the groups of records that belong to the same sets; every
 * combination is constant on each atom. Atoms of k records or more ("big") can never be part of a combination's
 * support, so the combinations that matter are those of the subspace K of the span that vanishes on every big atom.
 * The sets' indicator rows, over the atoms with the big ones first, are put in echelon form by exact integer
 * elimination ({@link Echelon}); the rows leading in a small atom's column are a basis of K. If the new sets do not
 * enlarge K, they single out nothing new. Otherwise K's vectors of least support are its elementary vectors (those
 * whose support holds no other's); each is the one vector of K that vanishes on some d − 1 columns (d = dim K), and
 * the check enumerates those to find one whose support weighs 1 to k − 1 records.
 *
 * <p>Finding the lightest vector of a subspace is NP-hard in general (it is a code's minimum distance), so the
 * enumeration is exact up to {@link #MAX_COLUMN_CHOICES} choices of columns; beyond, the check looks at the
 * elementary vectors of one basis reduced with its pivots on the heaviest atoms, which always finds a single atom
 * singled out (Chin's test) but may miss a group spread over several atoms. Refusals for want of room (conservative:
 * the check cannot vouch for the release): more than {@link #MAX_ATOMS} atoms.
 */
final class CombinationCheck {
  /** The most atoms the check splits the records into before it refuses as unable to vouch. */
  static final int MAX_ATOMS = 20_000;
  /** The most choices of columns it tries when looking for K's elementary vectors. */
  static final int MAX_COLUMN_CHOICES = 20_000;

  private CombinationCheck() {}

  /**
   * Whether a combination of {@code earlier}, {@code fresh} and the whole table (rows 0 to {@code rows} − 1) that
   * uses a set of {@code fresh} is non-zero on 1 to {@code k} − 1 records only (or the check cannot tell).
   */
  static boolean singlesOut(long rows, List<RoaringBitmap> earlier, List<RoaringBitmap> fresh, int k) {
    Partition p = Partition.of(rows);
    earlier.forEach(p::refine);
    return singlesOut(p, earlier, fresh, k);
  }

  /**
   * As {@link #singlesOut(long, List, List, int)}, from {@code grouped}: the records already grouped by (at least)
   * {@code earlier}'s sets, which is left as it was.
   */
  static boolean singlesOut(Partition grouped, List<RoaringBitmap> earlier, List<RoaringBitmap> fresh, int k) {
    if (fresh.isEmpty()) {
      return false;
    }
    Partition p = grouped.copy();
    fresh.forEach(p::refine);
    Atoms atoms = p.atoms(MAX_ATOMS);
    if (atoms == null) {
      return true;
    }
    // Columns: the big atoms first, then the small ones, so that rows leading in the small block vanish on the big.
    int n = atoms.size().length;
    int[] representative = new int[n];
    long[] columnSize = new long[n];
    int at = 0;
    int small = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int a = 0; a < n; a++) {
        if ((atoms.size()[a] >= k) == (pass == 0)) {
          representative[at] = atoms.representative()[a];
          columnSize[at++] = atoms.size()[a];
        }
      }
      if (pass == 0) {
        small = at;
      }
    }
    if (small == n) {
      return false; // no atom is small, so nothing can be singled out
    }
    {
      Echelon echelon = new Echelon();
      echelon.add(ones(n));
      for (RoaringBitmap s : earlier) {
        echelon.add(row(s, representative));
      }
      int before = echelon.leadingFrom(small).size();
      for (RoaringBitmap s : fresh) {
        echelon.add(row(s, representative));
      }
      List<BigInteger[]> basis = echelon.leadingFrom(small);
      if (basis.size() == before) {
        return false; // the new sets add no combination that lives on small atoms only
      }
      long[] weights = Arrays.copyOfRange(columnSize, small, n);
      List<BigInteger[]> k0 = new ArrayList<>();
      for (BigInteger[] r : basis) {
        BigInteger[] part = new BigInteger[weights.length];
        System.arraycopy(r, small, part, 0, weights.length);
        k0.add(part);
      }
      return lightestSupport(k0, weights) < k;
    }
  }

  /** The atoms: for each, one of its records and how many records it has. */
  record Atoms(int[] representative, long[] size) {}

  /** The records grouped by the sets they belong to; null beyond {@link #MAX_ATOMS}. */
  static Atoms atoms(long rows, List<RoaringBitmap> sets) {
    Partition p = Partition.of(rows);
    sets.forEach(p::refine);
    return p.atoms(MAX_ATOMS);
  }

  /**
   * The least weight (sum of {@code weights} over its support) of a non-zero vector in the span of {@code basis}
   * (independent rows), found exactly by enumerating the span's elementary vectors while there are at most
   * {@link #MAX_COLUMN_CHOICES} choices of columns to try; beyond that, the least weight of the elementary vectors
   * of one reduced basis whose pivots are the heaviest atoms (exact for single atoms, a search for groups).
   */
  static long lightestSupport(List<BigInteger[]> basis, long[] weights) {
    int d = basis.size();
    // Columns where some basis row is non-zero: every vector's support lies among them.
    List<Integer> used = new ArrayList<>();
    long total = 0;
    for (int j = 0; j < weights.length; j++) {
      for (BigInteger[] r : basis) {
        if (r[j].signum() != 0) {
          used.add(j);
          total += weights[j];
          break;
        }
      }
    }
    if (d == 1) {
      return total;
    }
    if (choices(used.size(), d - 1) > MAX_COLUMN_CHOICES) {
      return heaviestPivots(basis, used, weights);
    }
    long lightest = total;
    int[] pick = new int[d - 1];
    for (int i = 0; i < pick.length; i++) {
      pick[i] = i;
    }
    while (true) {
      lightest = Math.min(lightest, vanishingOn(basis, used, pick, weights));
      // The next choice of d − 1 of the used columns, in lexicographic order.
      int i = pick.length - 1;
      while (i >= 0 && pick[i] == used.size() - pick.length + i) {
        i--;
      }
      if (i < 0) {
        return lightest;
      }
      pick[i]++;
      for (int j = i + 1; j < pick.length; j++) {
        pick[j] = pick[j - 1] + 1;
      }
    }
  }

  /**
   * The least weight of the rows of the basis reduced with its pivots on the heaviest atoms: each row vanishes on
   * the other rows' pivots, so it is an elementary vector, and one lying on a single atom is always among them (a
   * vector on one atom is in the span iff that atom's column is in every basis of the column space).
   */
  private static long heaviestPivots(List<BigInteger[]> basis, List<Integer> used, long[] weights) {
    int[] order = used.stream().sorted((i, j) -> Long.compare(weights[j], weights[i])).mapToInt(Integer::intValue)
        .toArray();
    Echelon e = new Echelon();
    for (BigInteger[] r : basis) {
      e.add(permuted(r, order));
    }
    e.reduce();
    long lightest = Long.MAX_VALUE;
    for (BigInteger[] v : e.leadingFrom(0)) {
      lightest = Math.min(lightest, weight(v, order, 0, weights));
    }
    return lightest;
  }

  private static BigInteger[] permuted(BigInteger[] row, int[] order) {
    BigInteger[] p = new BigInteger[order.length];
    for (int j = 0; j < order.length; j++) {
      p[j] = row[order[j]];
    }
    return p;
  }

  /** The weight of the support of {@code v} (over columns {@code order}) from position {@code from} on. */
  private static long weight(BigInteger[] v, int[] order, int from, long[] weights) {
    long weight = 0;
    for (int j = from; j < order.length; j++) {
      if (v[j].signum() != 0) {
        weight += weights[order[j]];
      }
    }
    return weight;
  }

  /**
   * The weight of the basis's one combination that vanishes on the picked columns, if there is exactly one (up to
   * scale); {@link Long#MAX_VALUE} otherwise.
   */
  private static long vanishingOn(List<BigInteger[]> basis, List<Integer> used, int[] pick, long[] weights) {
    // Reorder the used columns with the picked ones first; rows leading after them vanish on the picked columns.
    int[] order = new int[used.size()];
    boolean[] picked = new boolean[used.size()];
    int at = 0;
    for (int p : pick) {
      order[at++] = used.get(p);
      picked[p] = true;
    }
    for (int j = 0; j < used.size(); j++) {
      if (!picked[j]) {
        order[at++] = used.get(j);
      }
    }
    Echelon e = new Echelon();
    for (BigInteger[] r : basis) {
      e.add(permuted(r, order));
    }
    List<BigInteger[]> vanishing = e.leadingFrom(pick.length);
    if (vanishing.size() != 1) {
      return Long.MAX_VALUE;
    }
    return weight(vanishing.get(0), order, pick.length, weights);
  }

  private static long choices(int n, int r) {
    long c = 1;
    for (int i = 0; i < r; i++) {
      c = c * (n - i) / (i + 1);
      if (c > MAX_COLUMN_CHOICES) {
        return c;
      }
    }
    return c;
  }

  private static BigInteger[] ones(int n) {
    BigInteger[] r = new BigInteger[n];
    Arrays.fill(r, BigInteger.ONE);
    return r;
  }

  private static BigInteger[] row(RoaringBitmap set, int[] representative) {
    BigInteger[] r = new BigInteger[representative.length];
    for (int j = 0; j < representative.length; j++) {
      r[j] = set.contains(representative[j]) ? BigInteger.ONE : BigInteger.ZERO;
    }
    return r;
  }
}
