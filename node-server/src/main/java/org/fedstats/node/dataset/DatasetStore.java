package org.fedstats.node.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;
import org.fedstats.node.config.DatasetDefinition;

/**
 * The node's embedded DuckDB database. At start it loads each dataset's declared variables (and nothing else)
 * into a typed table, checking that the records fit the declaration; queries then run on their own connection.
 */
public final class DatasetStore implements AutoCloseable {
  private final DuckDBConnection root;

  private DatasetStore(DuckDBConnection root) {
    this.root = root;
  }

  /** Opens an in-memory database and loads every dataset; fails with a clear message if one does not fit. */
  public static DatasetStore open(List<DatasetDefinition> datasets) throws SQLException {
    DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    DatasetStore store = new DatasetStore(root);
    try {
      for (DatasetDefinition d : datasets) {
        store.load(d);
      }
    } catch (SQLException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** The quoted name of the table holding a dataset. */
  public static String tableName(String dataset) {
    return Variable.quoteIdentifier("ds_" + dataset);
  }

  /** A new connection for one request; DuckDB connections must not be shared between threads. */
  public Connection connection() throws SQLException {
    return root.duplicate();
  }

  private void load(DatasetDefinition d) throws SQLException {
    String columns = d.schema().variables().stream()
        .map(v -> "CAST(" + v.sqlIdentifier() + " AS " + v.type().sqlType() + ") AS " + v.sqlIdentifier())
        .collect(Collectors.joining(", "));
    // File paths and table names come from the node operator's configuration, never from a request;
    // they are still written as properly escaped literals and identifiers.
    String from = switch (d.source()) {
      case DatasetDefinition.Files files -> fileScan(d.name(), files.paths());
      case DatasetDefinition.Table table -> {
        if (!Files.isRegularFile(table.database())) {
          throw new SQLException("dataset " + d.name() + ": database file " + table.database() + " does not exist");
        }
        String alias = Variable.quoteIdentifier("src_" + d.name());
        try (Statement s = root.createStatement()) {
          s.execute("ATTACH " + literal(table.database().toString()) + " AS " + alias + " (READ_ONLY)");
        }
        yield alias + "." + Variable.quoteIdentifier(table.table());
      }
    };
    try (Statement s = root.createStatement()) {
      s.execute("CREATE TABLE " + tableName(d.name()) + " AS SELECT " + columns + " FROM " + from);
    } catch (SQLException e) {
      throw new SQLException("dataset " + d.name() + " does not match its declared variables: " + e.getMessage(), e);
    }
    for (Variable v : d.schema().variables()) {
      if (v.type() == VariableType.CATEGORICAL) {
        checkLevels(d.name(), v);
      }
    }
  }

  private static String fileScan(String dataset, List<Path> paths) throws SQLException {
    for (Path p : paths) {
      if (!Files.isRegularFile(p)) {
        throw new SQLException("dataset " + dataset + ": file " + p + " does not exist");
      }
    }
    boolean parquet = paths.stream().allMatch(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".parquet"));
    boolean csv = paths.stream().allMatch(p -> {
      String name = p.toString().toLowerCase(Locale.ROOT);
      return name.endsWith(".csv") || name.endsWith(".csv.gz");
    });
    if (!parquet && !csv) {
      throw new SQLException("dataset " + dataset + ": files must all be CSV (.csv, .csv.gz) or all Parquet (.parquet)");
    }
    String list = paths.stream().map(p -> literal(p.toString())).collect(Collectors.joining(", ", "[", "]"));
    return parquet
        ? "read_parquet(" + list + ", union_by_name = true)"
        : "read_csv(" + list + ", header = true, all_varchar = true, union_by_name = true)";
  }

  private void checkLevels(String dataset, Variable v) throws SQLException {
    String placeholders = v.levels().stream().map(l -> "?").collect(Collectors.joining(", "));
    String sql = "SELECT count(*) FROM " + tableName(dataset) + " WHERE " + v.sqlIdentifier() + " IS NOT NULL AND "
        + v.sqlIdentifier() + " NOT IN (" + placeholders + ")";
    try (PreparedStatement ps = root.prepareStatement(sql)) {
      for (int i = 0; i < v.levels().size(); i++) {
        ps.setString(i + 1, v.levels().get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long outside = rs.getLong(1);
        if (outside > 0) {
          throw new SQLException("dataset " + dataset + ": " + outside + " records have a value of " + v.name()
              + " outside its declared levels " + v.levels());
        }
      }
    }
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  @Override
  public void close() throws SQLException {
    root.close();
  }
}
