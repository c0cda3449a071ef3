package org.fedstats.node.disclosure.noise;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The record keys of the cell-key method (the ABS TableBuilder method: B. Fraser and J. Wooton, "A proposed method
 * for confidentialising tabular output to protect against differencing", UNECE Work Session on Statistical Data
 * Confidentiality, 2005; J. Marley and V. Leaver, "A method for confidentialising user-defined tables", 2011).
 *
 * <p>Each record gets a key, a 32-bit fraction of 2³² standing for a number uniform in [0, 1): the first four bytes,
 * big-endian, of HMAC-SHA256(node secret, dataset ‖ rowId), where dataset is the UTF-8 name preceded by its
 * length as a 4-byte integer and rowId is 8 bytes big-endian. Without the secret the keys look independent and
 * uniform; with it they are stable, so the same record always has the same key. A cell's key is the sum of its
 * records' keys modulo 2³² ({@link #cellKey}), so it depends only on the set of records in the cell, not on how
 * the query reached them; {@link PerturbationTable} turns a (cell key, count) pair into the cell's noise.
 *
 * <p>The secret must stay on the node (whoever knows it can compute every cell's noise); rotating it changes every
 * published cell, which undoes the protection of repeating a query, so it should be fixed for a dataset's life.
 * Row ids must be stable across reloads of the dataset (e.g. a declared identifier column, not a scan position).
 * Instances are safe for concurrent use.
 */
public final class RecordKeys {
  /** Keys are fractions of 2³²: a key k stands for k / 2³². */
  public static final long KEY_SPACE = 1L << 32;
  /** The shortest secret accepted, in bytes (the HMAC-SHA256 security level wants at least 32). */
  public static final int MIN_SECRET_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  private final byte[] prefix;
  private final ThreadLocal<Mac> mac;

  /**
   * @param secret the node's secret, at least {@value #MIN_SECRET_BYTES} random bytes (copied)
   * @param dataset the dataset's name, so one record id gets different keys in different datasets
   */
  public RecordKeys(byte[] secret, String dataset) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(dataset, "dataset");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the cell-key secret needs at least " + MIN_SECRET_BYTES + " bytes, not "
          + secret.length);
    }
    SecretKeySpec key = new SecretKeySpec(secret.clone(), ALGORITHM);
    byte[] name = dataset.getBytes(StandardCharsets.UTF_8);
    this.prefix = ByteBuffer.allocate(Integer.BYTES + name.length).putInt(name.length).put(name).array();
    Mac prototype = newMac(key);
    this.mac = ThreadLocal.withInitial(() -> newMac(key));
    mac.set(prototype);
  }

  /** The key of the record with this row id, in [0, 2³²). */
  public long recordKey(long rowId) {
    Mac m = mac.get();
    m.update(prefix);
    m.update(ByteBuffer.allocate(Long.BYTES).putLong(rowId).array());
    byte[] digest = m.doFinal();
    return ByteBuffer.wrap(digest, 0, Integer.BYTES).getInt() & 0xFFFF_FFFFL;
  }

  /** The cell key of a set of records: the sum of their keys modulo 2³². */
  public static long cellKey(long... recordKeys) {
    long sum = 0;
    for (long k : recordKeys) {
      sum = addKeys(sum, k);
    }
    return sum;
  }

  /** Adds a record key to a running cell key, modulo 2³² (to accumulate a cell's key record by record). */
  public static long addKeys(long cellKey, long recordKey) {
    return (cellKey + recordKey) & 0xFFFF_FFFFL;
  }

  /** The fraction in [0, 1) a key stands for. */
  public static double fraction(long key) {
    return (double) key / KEY_SPACE;
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac m = Mac.getInstance(ALGORITHM);
      m.init(key);
      return m;
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("unusable cell-key secret", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
    }
  }
}
