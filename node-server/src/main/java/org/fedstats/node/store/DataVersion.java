package org.fedstats.node.store;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which data a dataset's table holds: a SHA-256 digest of its loaded content (the declared variables' names and
 * types, and every value in row order) and its row count. Row ids (the table's {@code rowid}, 0 to rows - 1 in the
 * sources' order, file by file) are stable while the digest is; a new digest means new data, whose rows are
 * numbered afresh.
 *
 * @param digest 64 lowercase hexadecimal digits
 */
public record DataVersion(String digest, long rows) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  public DataVersion {
    Objects.requireNonNull(digest, "digest");
    if (!HEX.matcher(digest).matches()) {
      throw new IllegalArgumentException("a data version is a SHA-256 digest in hexadecimal, not " + digest);
    }
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative");
    }
  }
}
