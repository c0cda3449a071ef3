package org.fedstats.node.overlap;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Integer row vectors kept in row echelon form by exact elimination: each kept row has its leading (first non-zero)
 * entry in a column where no other kept row leads. A row is reduced against the kept rows by fraction-free steps
 * ({@code r ← b[p]·r − r[p]·b}, then divided by the gcd of its entries), so the arithmetic is exact: no rank
 * decision rests on a rounding, and no entry can overflow ({@link BigInteger}).
 */
final class Echelon {
  private final TreeMap<Integer, BigInteger[]> byLead = new TreeMap<>();

  /**
   * Adds {@code row} (taken over: the caller must not change it) reduced against the kept rows; returns the column
   * its reduced form leads in, or −1 if it lies in the span of the kept rows.
   */
  int add(BigInteger[] row) {
    int lead = lead(row, 0);
    while (lead >= 0) {
      BigInteger[] b = byLead.get(lead);
      if (b == null) {
        byLead.put(lead, row);
        return lead;
      }
      combine(row, b, lead, lead);
      lead = lead(row, lead);
    }
    return -1;
  }

  /**
   * Reduces the kept rows further, to reduced row echelon form up to scale: each row is then zero in every column
   * another row leads in, which makes each row an elementary vector of the span (no vector of the span has a
   * support strictly inside its support).
   */
  void reduce() {
    for (Map.Entry<Integer, BigInteger[]> pivot : byLead.entrySet()) {
      int p = pivot.getKey();
      BigInteger[] b = pivot.getValue();
      for (BigInteger[] row : byLead.headMap(p, false).values()) {
        if (row[p].signum() != 0) {
          combine(row, b, p, 0);
        }
      }
    }
  }

  /** {@code row ← b[p]·row − row[p]·b} from column {@code from} on, then divided by the gcd of its entries. */
  private static void combine(BigInteger[] row, BigInteger[] b, int p, int from) {
    BigInteger f = row[p];
    BigInteger g = b[p];
    BigInteger divisor = BigInteger.ZERO;
    for (int j = from; j < row.length; j++) {
      if (b[j].signum() != 0) {
        row[j] = row[j].multiply(g).subtract(b[j].multiply(f));
      } else if (row[j].signum() != 0) {
        row[j] = row[j].multiply(g);
      }
      if (row[j].signum() != 0 && !divisor.equals(BigInteger.ONE)) {
        divisor = divisor.gcd(row[j]);
      }
    }
    if (divisor.compareTo(BigInteger.ONE) > 0) {
      for (int j = from; j < row.length; j++) {
        if (row[j].signum() != 0) {
          row[j] = row[j].divide(divisor);
        }
      }
    }
  }

  /** The rank of the kept rows. */
  int rank() {
    return byLead.size();
  }

  /** The kept rows that lead at column {@code from} or later: they are zero in every column before it. */
  List<BigInteger[]> leadingFrom(int from) {
    List<BigInteger[]> rows = new ArrayList<>();
    for (Map.Entry<Integer, BigInteger[]> e : byLead.tailMap(from, true).entrySet()) {
      rows.add(e.getValue());
    }
    return rows;
  }

  private static int lead(BigInteger[] row, int from) {
    for (int j = from; j < row.length; j++) {
      if (row[j].signum() != 0) {
        return j;
      }
    }
    return -1;
  }
}
