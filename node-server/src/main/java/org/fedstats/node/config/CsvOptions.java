package org.fedstats.node.config;

import java.util.List;
import java.util.Objects;

/**
 * How a dataset's CSV files are written, as the operator's configuration says (never from a request).
 *
 * @param missing field values that mean "no value" (NULL); R writes {@code NA} and empty fields
 * @param delimiter the field separator
 * @param header whether the first line names the columns; without one the declared variables are the file's
 *     columns in order
 * @param dateFormat strptime format of date columns (e.g. {@code %d/%m/%Y}); null for ISO dates (yyyy-mm-dd)
 */
public record CsvOptions(List<String> missing, String delimiter, boolean header, String dateFormat) {
  /** R's write.csv conventions: comma-separated, a header row, NA and empty fields missing, ISO dates. */
  public static final CsvOptions DEFAULT = new CsvOptions(List.of("", "NA"), ",", true, null);

  public CsvOptions {
    Objects.requireNonNull(missing, "csv.missing");
    for (String m : missing) {
      if (m == null) {
        throw new IllegalArgumentException("csv.missing lists a null value; quote it, e.g. \"NULL\"");
      }
    }
    missing = List.copyOf(missing);
    Objects.requireNonNull(delimiter, "csv.delimiter");
    if (delimiter.isEmpty() || delimiter.length() > 4 || delimiter.contains("\n") || delimiter.contains("\r")) {
      throw new IllegalArgumentException("csv.delimiter must be one to four characters on one line, e.g. \",\" or "
          + "\";\" or \"\\t\"");
    }
    if (dateFormat != null && dateFormat.isBlank()) {
      throw new IllegalArgumentException("csv.date-format must not be blank; leave it out for yyyy-mm-dd dates");
    }
  }

  /** The defaults with the keys a configuration sets (null: not set). */
  public CsvOptions with(NodeConfig.CsvConfig config) {
    if (config == null) {
      return this;
    }
    return new CsvOptions(
        config.missing() == null ? missing : config.missing(),
        config.delimiter() == null ? delimiter : config.delimiter(),
        config.header() == null ? header : config.header(),
        config.dateFormat() == null ? dateFormat : config.dateFormat());
  }
}
