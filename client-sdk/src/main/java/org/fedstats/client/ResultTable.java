package org.fedstats.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.client.Results.Result;
import org.fedstats.client.Results.Site;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.View;

/**
 * A result as one table, the shape of the CSV and the Arrow output: each site's rows, then the pooled ones, each with
 * the site ("pooled" for the pooled rows), its status ({@code ANSWERED}, {@code REFUSED}, {@code FAILED};
 * {@code POOLED} or {@code UNAVAILABLE}), the view's columns and a note (a refusal's rule and reason, a failure's
 * message, the pooled note). A site or pool without a value has one row without values.
 *
 * @param columns the view's columns (between site and status, and note)
 */
public record ResultTable(List<Column> columns, List<Row> rows) {
  /** The site of the pooled rows. */
  public static final String POOLED_SITE = "pooled";

  public ResultTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    for (Row row : rows) {
      if (!row.values().isEmpty()) {
        if (row.values().size() != columns.size()) {
          throw new IllegalArgumentException("a row of " + row.site() + " has " + row.values().size()
              + " values for " + columns.size() + " columns");
        }
        for (int i = 0; i < columns.size(); i++) {
          if (!columns.get(i).type().admits(row.values().get(i))) {
            throw new IllegalArgumentException("column " + columns.get(i).name() + " is " + columns.get(i).type()
                + ", not " + row.values().get(i).getClass().getSimpleName());
          }
        }
      }
    }
  }

  /** One row: {@code values} has one value (or null) per column, or is empty when the site or pool has no value. */
  public record Row(String site, String status, List<Object> values, String note) {
    public Row {
      Objects.requireNonNull(site, "site");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(note, "note");
      values = Collections.unmodifiableList(new ArrayList<>(values));
    }
  }

  /** Whether any row has values (else the CSV has a single empty "value" column). */
  public boolean anyValue() {
    return rows.stream().anyMatch(r -> !r.values().isEmpty());
  }

  /** A result tabulated with the view of its analysis. */
  public static <T> ResultTable of(Result<T> result, View<T> view) {
    List<Row> rows = new ArrayList<>();
    for (Site<T> s : result.sites()) {
      String note = s.refusal().map(r -> r.rule() + ": " + r.reason()).or(s::withheldNote)
          .orElse(s.reviewTicket().isEmpty() ? s.error() : "review ticket " + s.reviewTicket());
      rows.addAll(rows(s.nodeId(), s.status().name(), s.result(), note, view));
    }
    rows.addAll(rows(POOLED_SITE, result.pooled().isPresent() ? "POOLED" : "UNAVAILABLE", result.pooled(),
        result.note(), view));
    return new ResultTable(view.columns(), rows);
  }

  private static <T> List<Row> rows(String site, String status, Optional<T> value, String note, View<T> view) {
    return value.map(view::rows).orElse(List.of(List.of())).stream()
        .map(values -> new Row(site, status, values, note)).toList();
  }
}
