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

  /** The CSV columns between {@code site,status} and {@code note}. */
  List<String> csvColumns();

  /** A value's CSV rows, each with one field per {@link #csvColumns()} column (the caller quotes them). */
  List<List<String>> csvRows(T value);

  /** The exception for a result of another analysis. */
  static IllegalArgumentException unexpected(AnalysisResult result, String expected) {
    return new IllegalArgumentException(result.getKindCase() == AnalysisResult.KindCase.KIND_NOT_SET
        ? "empty result" : "expected a " + expected + " result, not " + result.getKindCase());
  }
}
