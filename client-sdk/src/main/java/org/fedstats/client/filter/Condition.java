package org.fedstats.client.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FilterList;

/** A cohort condition: an immutable wrapper over the typed filter tree sent to the nodes. */
public record Condition(Filter filter) {
  public Condition {
    Objects.requireNonNull(filter, "filter");
  }

  public Condition and(Condition other) {
    return new Condition(Filter.newBuilder().setAnd(flatten(Filter.KindCase.AND, this, other)).build());
  }

  public Condition or(Condition other) {
    return new Condition(Filter.newBuilder().setOr(flatten(Filter.KindCase.OR, this, other)).build());
  }

  public Condition negate() {
    return new Condition(Filter.newBuilder().setNot(filter).build());
  }

  private static FilterList flatten(Filter.KindCase kind, Condition a, Condition b) {
    List<Filter> parts = new ArrayList<>();
    for (Condition c : List.of(a, b)) {
      if (c.filter.getKindCase() == kind) {
        parts.addAll(kind == Filter.KindCase.AND ? c.filter.getAnd().getFiltersList()
            : c.filter.getOr().getFiltersList());
      } else {
        parts.add(c.filter);
      }
    }
    return FilterList.newBuilder().addAllFilters(parts).build();
  }
}
