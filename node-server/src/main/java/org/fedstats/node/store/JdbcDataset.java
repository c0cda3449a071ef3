package org.fedstats.node.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.fedstats.node.dataset.SqlDialect;
import org.fedstats.common.Text;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.config.JdbcSource;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;

/**
 * A dataset read where it lives, in a table or view of a PostgreSQL database. Requests take a connection from a
 * pool of at most {@code jdbc.pool-size} (HikariCP's; a request finding none free waits up to the statement timeout),
 * each read-only (every transaction {@code READ ONLY}) with a statement timeout, both set when it is opened. Queries read {@link #relation()}: the declared variables, each
 * cast to its declared type, and the row-id column as {@link SqlDialect#rowId()}; nothing else of the table.
 *
 * <p>At start the table's columns are checked against the declaration (each declared column present with a fitting
 * type; the row ids unique whole numbers from 0 to 2^31 - 1; categorical values among the declared levels; numbers
 * finite) and the data version is computed; any problem stops the node with one line each.
 */
final class JdbcDataset implements AutoCloseable {
  private static final SqlDialect DIALECT = SqlDialect.POSTGRESQL;
  /** JDBC type codes of the columns each declared type may read. */
  private static final Set<Integer> INTEGERS = Set.of(Types.SMALLINT, Types.INTEGER, Types.BIGINT);
  private static final Set<Integer> NUMBERS = Set.of(Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.REAL,
      Types.FLOAT, Types.DOUBLE, Types.NUMERIC, Types.DECIMAL);
  private static final Set<Integer> TEXTS = Set.of(Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.NVARCHAR,
      Types.NCHAR);

  private final DatasetDefinition dataset;
  private final JdbcSource source;
  private final Properties properties;
  private final String relation;
  private DataVersion version;
  private HikariDataSource pool;

  private JdbcDataset(DatasetDefinition dataset, JdbcSource source, String password) {
    this.dataset = dataset;
    this.source = source;
    this.properties = new Properties();
    properties.setProperty("user", source.user());
    properties.setProperty("password", password);
    properties.setProperty("ApplicationName", "fedstats-node");
    properties.setProperty("readOnly", "true");
    properties.setProperty("loginTimeout", "10");
    properties.setProperty("connectTimeout", "10");
    // Every transaction read-only and every statement bounded, set at connection: no extra round trip per request.
    properties.setProperty("options", "-c default_transaction_read_only=on -c statement_timeout="
        + source.statementTimeout().toMillis());
    StringBuilder columns = new StringBuilder(DIALECT.cast(Variable.quoteIdentifier(source.rowId()),
        VariableType.INTEGER)).append(" AS ").append(DIALECT.rowId());
    for (Variable v : dataset.schema().variables()) {
      columns.append(", ").append(DIALECT.cast(v.sqlIdentifier(), v.type())).append(" AS ").append(v.sqlIdentifier());
    }
    this.relation = "(SELECT " + columns + " FROM " + qualified() + ") AS "
        + DatasetStore.tableName(dataset.name());
  }

  private String qualified() {
    return source.table().stream().map(Variable::quoteIdentifier).collect(Collectors.joining("."));
  }

  /**
   * Connects, checks the table against {@code dataset}'s declaration and computes its version; adds a line to
   * {@code problems} for each thing wrong (and returns null) instead.
   */
  static JdbcDataset open(DatasetDefinition dataset, JdbcSource source, List<String> problems) {
    String where = "dataset " + dataset.name() + ": " + source.tableName() + " at " + source.url();
    String password;
    try {
      password = source.password().read();
    } catch (IOException e) {
      problems.add("dataset " + dataset.name() + ": the database password cannot be read: " + e.getMessage());
      return null;
    }
    JdbcDataset d = new JdbcDataset(dataset, source, password);
    int before = problems.size();
    try (Connection c = d.direct()) {
      d.checkColumns(c, where, problems);
      if (problems.size() == before) {
        d.checkRowIds(c, where, problems);
        d.checkValues(c, where, problems);
      }
      if (problems.size() == before) {
        d.version = DatasetLoader.version(c, dataset, d.relation, DIALECT);
      }
    } catch (SQLException e) {
      problems.add(where + ": " + DatasetLoader.oneLine(e));
    }
    if (problems.size() != before) {
      return null;
    }
    d.pool = d.pool();
    return d;
  }

  /**
   * The pool requests draw from, opened once the checks passed (so that a wrong password or a missing table is
   * reported in PostgreSQL's words, from {@link #direct()}); it opens its connections as it needs them.
   */
  private HikariDataSource pool() {
    HikariConfig config = new HikariConfig();
    config.setPoolName("fedstats-" + dataset.name());
    config.setJdbcUrl(source.url());
    config.setDataSourceProperties(properties);
    config.setReadOnly(true);
    config.setMaximumPoolSize(source.poolSize());
    config.setMinimumIdle(1);
    config.setConnectionTimeout(Math.max(250, source.statementTimeout().toMillis()));
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** A read-only connection with the statement timeout, from the pool, for one request; closing it gives it back. */
  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** A connection of its own, outside the pool, read-only with the statement timeout: for the start-up checks. */
  private Connection direct() throws SQLException {
    Connection c = DriverManager.getConnection(source.url(), properties);
    try {
      c.setReadOnly(true);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Closes the pool's connections. */
  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }

  String relation() {
    return relation;
  }

  DataVersion version() {
    return version;
  }

  private void checkColumns(Connection c, String where, List<String> problems) throws SQLException {
    Map<String, Integer> present = new LinkedHashMap<>();
    Map<String, String> typeNames = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + qualified()
        + " LIMIT 0")) {
      ResultSetMetaData meta = rs.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        present.put(meta.getColumnName(i), meta.getColumnType(i));
        typeNames.put(meta.getColumnName(i), meta.getColumnTypeName(i).toLowerCase(Locale.ROOT));
      }
    }
    String columns = present.keySet().stream().limit(30).map(n -> "'" + Text.echo(n) + "'")
        .collect(Collectors.joining(", ")) + (present.size() > 30 ? ", ..." : "");
    Integer rowIdType = present.get(source.rowId());
    if (rowIdType == null) {
      problems.add(where + " has no column " + source.rowId() + " (jdbc.row-id); its columns are " + columns);
    } else if (!INTEGERS.contains(rowIdType)) {
      problems.add(where + ": the row-id column " + source.rowId() + " is " + typeNames.get(source.rowId())
          + "; it must hold whole numbers (smallint, integer or bigint)");
    }
    for (Variable v : dataset.schema().variables()) {
      Integer type = present.get(v.name());
      if (type == null) {
        problems.add(where + " has no column " + v.name() + " (a declared variable)"
            + Text.closest(v.name(), present.keySet()).map(n -> "; did you mean '" + Text.echo(n) + "'?").orElse("")
            + "; its columns are " + columns);
        continue;
      }
      boolean fits = switch (v.type()) {
        case NUMERIC -> NUMBERS.contains(type);
        case INTEGER -> INTEGERS.contains(type);
        case CATEGORICAL -> TEXTS.contains(type) || INTEGERS.contains(type);
        case BOOLEAN -> type == Types.BOOLEAN || type == Types.BIT;
        case DATE -> type == Types.DATE;
        case IDENTIFIER -> true;
      };
      if (!fits) {
        problems.add(where + ": column " + v.name() + " is " + typeNames.get(v.name()) + ", and " + v.name() + " is declared "
            + v.type().label());
      }
    }
  }

  private void checkRowIds(Connection c, String where, List<String> problems) throws SQLException {
    String id = DIALECT.rowId();
    String sql = "SELECT count(*), count(" + id + "), count(DISTINCT " + id + "), min(" + id + "), max(" + id
        + ") FROM " + relation;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      long rows = rs.getLong(1);
      if (rs.getLong(2) != rows || rs.getLong(3) != rows
          || rows > 0 && (rs.getLong(4) < 0 || rs.getLong(5) > Integer.MAX_VALUE)) {
        problems.add(where + ": the row-id column " + source.rowId() + " must hold a different whole number from 0 "
            + "to 2147483647 in every row, never NULL");
      }
    }
  }

  /** Categorical values among the declared levels, numbers finite: what the loader checks of a file. */
  private void checkValues(Connection c, String where, List<String> problems) throws SQLException {
    for (Variable v : dataset.schema().variables()) {
      String x = v.sqlIdentifier();
      String condition;
      List<String> params;
      if (v.type() == VariableType.CATEGORICAL) {
        condition = x + " NOT IN (" + v.levels().stream().map(l -> "?").collect(Collectors.joining(", ")) + ")";
        params = v.levels();
      } else if (v.type() == VariableType.NUMERIC) {
        condition = x + " IN ('NaN', 'Infinity', '-Infinity')";
        params = List.of();
      } else {
        continue;
      }
      String sql = "SELECT " + x + ", count(*) OVER () FROM " + relation + " WHERE " + x + " IS NOT NULL AND "
          + condition + " ORDER BY " + DIALECT.rowId() + " LIMIT 1";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < params.size(); i++) {
          ps.setString(i + 1, params.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            long count = rs.getLong(2);
            String what = v.type() == VariableType.CATEGORICAL ? "is not a declared level of " + v.name()
                + " (declared: " + v.levels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(", "))
                + ")" : "is not a finite number";
            problems.add(where + ", column " + v.name() + ": '" + Text.echo(rs.getString(1)) + "' " + what
                + (count > 1 ? " (" + count + " values)" : ""));
          }
        }
      }
    }
  }
}
