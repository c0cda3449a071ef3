package org.fedstats.node.store;

import org.fedstats.node.dataset.SqlDialect;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.fedstats.common.Text;
import org.fedstats.node.config.CsvOptions;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.config.JdbcSource;

/**
 * Loads one dataset's declared variables into its typed table, or finds every reason it cannot, one line each:
 * a missing file or table, a declared column a file lacks, the first value of a column that does not convert to
 * the declared type (file, column, row), a categorical value outside the declared levels.
 *
 * <p>Each source's declared columns are first copied as text into a staging table, one source after another, so that
 * a value's row within its file is known. File paths, table names and CSV options come from the operator's
 * configuration, never from a request; they are still written as escaped literals and quoted identifiers.
 */
final class DatasetLoader {
  /** The staging table's column of the source index; declared variable names cannot contain a space. */
  private static final String SOURCE = Variable.quoteIdentifier("fedstats source");

  private final Connection root;
  private final DatasetDefinition dataset;
  private final String stage;
  private final List<String> problems = new ArrayList<>();
  /** Human names of the sources ("file /x.csv", "table t of database /y.duckdb"), by index. */
  private final List<String> sourceNames = new ArrayList<>();
  /** SQL of the scan of each source. */
  private final List<String> scans = new ArrayList<>();
  /** The staging table's rowid of each source's first row. */
  private final List<Long> firstRowids = new ArrayList<>();

  private DatasetLoader(Connection root, DatasetDefinition dataset) {
    this.root = root;
    this.dataset = dataset;
    this.stage = Variable.quoteIdentifier("stage_" + dataset.name());
  }

  /** Loads {@code dataset} into {@link DatasetStore#tableName}; returns its problems (none when loaded). */
  static List<String> load(Connection root, DatasetDefinition dataset) throws SQLException {
    DatasetLoader loader = new DatasetLoader(root, dataset);
    loader.run();
    return loader.problems;
  }

  /**
   * The loaded table's version: a SHA-256 digest of the declared variables (name and type) and of every value, row
   * by row in rowid order (each value as text, length-prefixed, NULL marked apart from any text).
   */
  static DataVersion version(Connection root, DatasetDefinition dataset) throws SQLException {
    return version(root, dataset, DatasetStore.tableName(dataset.name()), SqlDialect.DUCKDB);
  }

  /** The version of what {@code relation} (a table, or a named relation in parentheses) holds, read in row-id order. */
  static DataVersion version(Connection connection, DatasetDefinition dataset, String relation, SqlDialect dialect)
      throws SQLException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
    List<Variable> variables = dataset.schema().variables();
    ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
    for (Variable v : variables) {
      digestText(digest, length, v.name());
      digestText(digest, length, v.type().name());
    }
    long rows = 0;
    String sql = "SELECT " + variables.stream().map(v -> dialect.toText(v.sqlIdentifier()))
        .collect(Collectors.joining(", ")) + " FROM " + relation + " ORDER BY " + dialect.rowId();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rows++;
        for (int c = 1; c <= variables.size(); c++) {
          String value = rs.getString(c);
          if (value == null) {
            digest.update((byte) 0);
          } else {
            digest.update((byte) 1);
            digestText(digest, length, value);
          }
        }
      }
    }
    return new DataVersion(HexFormat.of().formatHex(digest.digest()), rows);
  }

  private static void digestText(MessageDigest digest, ByteBuffer length, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update(length.clear().putInt(bytes.length).flip());
    digest.update(bytes);
  }

  private void problem(String text) {
    problems.add("dataset " + dataset.name() + ": " + text);
  }

  private void run() throws SQLException {
    if (!sources() || !columns()) {
      return;
    }
    List<Variable> variables = dataset.schema().variables();
    try (Statement s = root.createStatement()) {
      s.execute("CREATE TEMP TABLE " + stage + " (" + SOURCE + " INTEGER, " + variables.stream()
          .map(v -> v.sqlIdentifier() + " VARCHAR").collect(Collectors.joining(", ")) + ")");
      String text = variables.stream().map(v -> "CAST(" + v.sqlIdentifier() + " AS VARCHAR)")
          .collect(Collectors.joining(", "));
      long staged = 0;
      for (int i = 0; i < scans.size(); i++) {
        // One source at a time, in its order: the staging table's rowid gives each value's row in its file.
        firstRowids.add(staged);
        try {
          staged += s.executeUpdate("INSERT INTO " + stage + " SELECT " + i + ", " + text + " FROM " + scans.get(i));
        } catch (SQLException e) {
          problem(sourceNames.get(i) + " cannot be read: " + oneLine(e));
        }
      }
      if (problems.isEmpty()) {
        for (Variable v : variables) {
          checkConversion(v);
          if (v.type() == VariableType.CATEGORICAL) {
            checkLevels(v);
          }
        }
      }
      if (problems.isEmpty()) {
        s.execute("CREATE TABLE " + DatasetStore.tableName(dataset.name()) + " AS SELECT " + variables.stream()
            .map(v -> converted(v) + " AS " + v.sqlIdentifier()).collect(Collectors.joining(", "))
            + " FROM " + stage + " ORDER BY rowid");
      }
      s.execute("DROP TABLE " + stage);
    }
  }

  /** Checks the sources exist and prepares a scan of each; false if one cannot be read. */
  private boolean sources() throws SQLException {
    switch (dataset.source()) {
      case DatasetDefinition.Files files -> {
        boolean parquet = files.paths().stream().allMatch(p -> lower(p).endsWith(".parquet"));
        boolean csv = files.paths().stream().allMatch(p -> lower(p).endsWith(".csv") || lower(p).endsWith(".csv.gz"));
        if (!parquet && !csv) {
          problem("files must all be CSV (.csv, .csv.gz) or all Parquet (.parquet)");
          return false;
        }
        for (Path p : files.paths()) {
          if (!Files.isRegularFile(p)) {
            problem("file " + p + " does not exist");
          } else if (!Files.isReadable(p)) {
            problem("file " + p + " cannot be read by the node's user");
          } else {
            sourceNames.add("file " + p);
            scans.add(parquet ? "read_parquet(" + literal(p.toString()) + ")" : csvScan(p, files.csv()));
          }
        }
      }
      case JdbcSource jdbc -> throw new IllegalStateException("a JDBC dataset is read where it is, not loaded");
      case DatasetDefinition.Table table -> {
        if (!Files.isRegularFile(table.database())) {
          problem("database file " + table.database() + " does not exist");
          return false;
        }
        String alias = Variable.quoteIdentifier("src_" + dataset.name());
        try (Statement s = root.createStatement()) {
          s.execute("ATTACH " + literal(table.database().toString()) + " AS " + alias + " (READ_ONLY)");
        } catch (SQLException e) {
          problem("database file " + table.database() + " cannot be opened: " + oneLine(e));
          return false;
        }
        sourceNames.add("table " + table.table() + " of database " + table.database());
        scans.add(alias + "." + Variable.quoteIdentifier(table.table()));
      }
    }
    return problems.isEmpty();
  }

  /** {@code read_csv} of one file with the configured options, every column as text. */
  private String csvScan(Path file, CsvOptions csv) {
    StringBuilder b = new StringBuilder("read_csv(").append(literal(file.toString()))
        .append(", all_varchar = true, skip = 0, header = ").append(csv.header())
        .append(", delim = ").append(literal(csv.delimiter()));
    if (!csv.missing().isEmpty()) {
      b.append(", nullstr = ").append(csv.missing().stream().map(DatasetLoader::literal)
          .collect(Collectors.joining(", ", "[", "]")));
    }
    if (!csv.header()) {
      // Without a header row, the declared variables are the file's first columns, in order.
      b.append(", names = ").append(dataset.schema().variables().stream().map(v -> literal(v.name()))
          .collect(Collectors.joining(", ", "[", "]")));
    }
    return b.append(')').toString();
  }

  /** Checks that every source has every declared column; false if one lacks one. */
  private boolean columns() {
    for (int i = 0; i < scans.size(); i++) {
      Set<String> present = new LinkedHashSet<>();
      try (Statement s = root.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + scans.get(i)
          + " LIMIT 0")) {
        ResultSetMetaData meta = rs.getMetaData();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
          present.add(meta.getColumnName(c));
        }
      } catch (SQLException e) {
        problem(sourceNames.get(i) + " cannot be read: " + oneLine(e));
        continue;
      }
      for (Variable v : dataset.schema().variables()) {
        if (!present.contains(v.name())) {
          problem(sourceNames.get(i) + " has no column " + v.name() + " (a declared variable)"
              + Text.closest(v.name(), present).map(c -> "; did you mean '" + Text.echo(c) + "'?").orElse("")
              + "; its columns are " + present.stream().limit(30).map(c -> "'" + Text.echo(c) + "'")
                  .collect(Collectors.joining(", ")) + (present.size() > 30 ? ", ..." : ""));
        }
      }
    }
    return problems.isEmpty();
  }

  /** The SQL converting a variable's staged text to its declared type; NULL where the text does not convert. */
  private String converted(Variable v) {
    String x = v.sqlIdentifier();
    String number = "TRY_CAST(" + x + " AS DOUBLE)";
    return switch (v.type()) {
      case CATEGORICAL, IDENTIFIER -> x;
      case NUMERIC -> "CASE WHEN isfinite(" + number + ") THEN " + number + " END";
      // Whole numbers only: DuckDB's own cast would round 59.5 to 60. "60.0" and "6e1" are whole.
      case INTEGER -> "CASE WHEN regexp_full_match(trim(" + x + "), '[+-]?[0-9]+') THEN TRY_CAST(trim(" + x
          + ") AS BIGINT) WHEN isfinite(" + number + ") AND " + number + " = trunc(" + number + ") AND abs("
          + number + ") < 9007199254740992 THEN CAST(" + number + " AS BIGINT) END";
      case BOOLEAN -> "TRY_CAST(" + x + " AS BOOLEAN)";
      case DATE -> dateFormat() == null ? "TRY_CAST(" + x + " AS DATE)"
          : "CAST(try_strptime(" + x + ", " + literal(dateFormat()) + ") AS DATE)";
    };
  }

  private String dateFormat() {
    return dataset.source() instanceof DatasetDefinition.Files f ? f.csv().dateFormat() : null;
  }

  private void checkConversion(Variable v) throws SQLException {
    if (v.type() == VariableType.CATEGORICAL || v.isIdentifier()) {
      return;
    }
    String what = switch (v.type()) {
      case NUMERIC -> "is not a number";
      case INTEGER -> "is not a whole number";
      case BOOLEAN -> "is not true or false";
      case DATE -> dateFormat() == null ? "is not a yyyy-mm-dd date"
          : "is not a date in the format " + dateFormat() + " (csv.date-format)";
      case CATEGORICAL, IDENTIFIER -> throw new IllegalStateException();
    };
    String sql = firstOffender(v, v.sqlIdentifier() + " IS NOT NULL AND " + converted(v) + " IS NULL");
    try (PreparedStatement ps = root.prepareStatement(sql)) {
      report(ps, v, what + ", and " + v.name() + " is declared " + v.type().label(), "values do not convert");
    } catch (SQLException e) {
      if (v.type() == VariableType.DATE && dateFormat() != null) {
        problem("csv.date-format " + dateFormat() + " is not a valid strptime format: " + oneLine(e));
        return;
      }
      throw e;
    }
  }

  private void checkLevels(Variable v) throws SQLException {
    String placeholders = v.levels().stream().map(l -> "?").collect(Collectors.joining(", "));
    String sql = firstOffender(v, v.sqlIdentifier() + " IS NOT NULL AND " + v.sqlIdentifier() + " NOT IN ("
        + placeholders + ")");
    try (PreparedStatement ps = root.prepareStatement(sql)) {
      for (int i = 0; i < v.levels().size(); i++) {
        ps.setString(i + 1, v.levels().get(i));
      }
      report(ps, v, "is not a declared level of " + v.name() + " (declared: " + v.levels().stream()
          .map(l -> "'" + l + "'").collect(Collectors.joining(", ")) + ")", "values are outside the declared levels");
    }
  }

  /** The first staged row (source, rowid, value) matching {@code condition}, and how many match. */
  private String firstOffender(Variable v, String condition) {
    return "SELECT " + SOURCE + ", rowid, " + v.sqlIdentifier() + ", count(*) OVER () FROM " + stage + " WHERE "
        + condition + " ORDER BY rowid LIMIT 1";
  }

  private void report(PreparedStatement ps, Variable v, String what, String many) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        int source = rs.getInt(1);
        long row = rs.getLong(2) - firstRowids.get(source) + 1;
        long count = rs.getLong(4);
        // The operator's own data on the operator's console, still made safe to print.
        problem(sourceNames.get(source) + ", column " + v.name() + ", row " + row + ": '"
            + Text.echo(rs.getString(3)) + "' " + what + (count > 1 ? " (" + count + " " + many + ")" : ""));
      }
    }
  }

  /** A database error on one line: its first line, control characters replaced, at most 300 characters. */
  static String oneLine(SQLException e) {
    String m = String.valueOf(e.getMessage()).strip();
    int newline = m.indexOf('\n');
    m = (newline < 0 ? m : m.substring(0, newline)).replaceAll("[\\p{Cc}\\p{Cf}]", "?");
    return m.length() > 300 ? m.substring(0, 297) + "..." : m;
  }

  private static String lower(Path p) {
    return p.toString().toLowerCase(Locale.ROOT);
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
