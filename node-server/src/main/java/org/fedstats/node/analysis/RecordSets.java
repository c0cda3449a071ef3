package org.fedstats.node.analysis;

import java.util.List;
import java.util.Objects;

/**
 * The records behind a release's counts, for the gate's overlap audit: a parameterised query over the dataset's
 * table whose first column is a record's {@code rowid} and whose other columns (none for a single set) are the key
 * of the set the record is counted in, e.g. a table's cell or a histogram's bin. Each distinct key is one released
 * set; a count of zero has no records and no set. Built by the analysis through {@link LocalData#recordSets}, from
 * quoted identifiers and bound values only.
 */
public record RecordSets(String sql, List<Object> params) {
  public RecordSets {
    Objects.requireNonNull(sql, "sql");
    params = List.copyOf(params);
  }
}
