package org.fedstats.client.analysis;

import java.util.List;
import org.fedstats.proto.v1.AnalysisResult;

/**
 * How one analysis's results look on the client: decoded from a site's or the pooled {@link AnalysisResult} into
 * {@code T}, and rendered as text and CSV (JSON is the response itself and needs no view).
 */
public interface View<T> {
  /** A site's or the pooled result as {@code T}; {@link IllegalArgumentException} if it is not of this analysis. */
  T decode(AnalysisResult result);

  /** One line about a value: a site's line in the text output, and the pooled one unless {@link #detail} has lines. */
  String brief(T value);

  /** Lines shown below "pooled:" in the text output (the caller indents them); none: the pooled value's brief line. */
  default List<String> detail(T value) {
    return List.of();
  }

  /**
   * The typed columns of this analysis's tabular output (CSV and Arrow), between {@code site, status} and
   * {@code note}.
   */
  List<Column> columns();

  /**
   * A value's rows, each with one value per {@link #columns()} column, of that column's type or null (no value). The
   * CSV and the Arrow output both come from these rows.
   */
  List<List<Object>> rows(T value);

  /** The CSV columns between {@code site,status} and {@code note}: the names of {@link #columns()}. */
  default List<String> csvColumns() {
    return columns().stream().map(Column::name).toList();
  }

  /** A value's CSV rows: its {@link #rows} with each value as {@link #csvField} writes it (the caller quotes them). */
  default List<List<String>> csvRows(T value) {
    return rows(value).stream().map(row -> row.stream().map(this::csvField).toList()).toList();
  }

  /** A value as a CSV field: empty for no value, else Java's shortest exact form ("59.7546", "929", "true"). */
  default String csvField(Object value) {
    return value == null ? "" : value.toString();
  }

  /** The exception for a result of another analysis. */
  static IllegalArgumentException unexpected(AnalysisResult result, String expected) {
    return new IllegalArgumentException(result.getKindCase() == AnalysisResult.KindCase.KIND_NOT_SET
        ? "empty result" : "expected a " + expected + " result, not " + result.getKindCase());
  }
}
