package org.fedstats.node.request;

import java.util.List;
import java.util.Objects;

/** A piece of SQL whose every researcher-supplied value is a {@code ?} placeholder bound from {@link #params()}. */
public record SqlFragment(String sql, List<Object> params) {
  public SqlFragment {
    Objects.requireNonNull(sql, "sql");
    params = List.copyOf(params);
    long placeholders = sql.chars().filter(c -> c == '?').count();
    if (placeholders != params.size()) {
      throw new IllegalArgumentException("SQL has " + placeholders + " placeholders for " + params.size() + " parameters");
    }
  }

  public static final SqlFragment TRUE = new SqlFragment("TRUE", List.of());
}
