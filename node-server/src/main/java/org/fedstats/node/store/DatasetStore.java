package org.fedstats.node.store;

import org.fedstats.node.dataset.SqlDialect;
import org.fedstats.node.dataset.Variable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.config.JdbcSource;
import org.fedstats.node.config.StartupException;

/**
 * The node's datasets. At start it loads each file or DuckDB dataset's declared variables (and nothing else) into
 * a typed table of the embedded DuckDB database, checking that the records fit the declaration, checks each
 * PostgreSQL dataset's table against its declaration ({@link JdbcDataset}), and notes the {@link DataVersion} of each;
 * queries then run on their own connection, in the dataset's {@link SqlDialect}.
 */
public final class DatasetStore implements AutoCloseable {
  private final DuckDBConnection root;
  private final Map<String, DataVersion> versions = new HashMap<>();
  private final Map<String, JdbcDataset> external = new HashMap<>();

  private DatasetStore(DuckDBConnection root) {
    this.root = root;
  }

  /**
   * Opens an in-memory database and loads every dataset; if one does not fit its declaration, fails with every
   * problem found (one line each, naming file, column and row where known).
   */
  public static DatasetStore open(List<DatasetDefinition> datasets) throws StartupException, SQLException {
    DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    DatasetStore store = new DatasetStore(root);
    List<String> problems = new ArrayList<>();
    try {
      for (DatasetDefinition d : datasets) {
        if (d.source() instanceof JdbcSource jdbc) {
          JdbcDataset opened = JdbcDataset.open(d, jdbc, problems);
          if (opened != null) {
            store.external.put(d.name(), opened);
            store.versions.put(d.name(), opened.version());
          }
          continue;
        }
        List<String> found = DatasetLoader.load(root, d);
        problems.addAll(found);
        if (found.isEmpty()) {
          store.versions.put(d.name(), DatasetLoader.version(root, d));
        }
      }
    } catch (SQLException | RuntimeException e) {
      store.close();
      throw e;
    }
    if (!problems.isEmpty()) {
      store.close();
      throw new StartupException(problems, null);
    }
    return store;
  }

  /** The quoted name of the table holding a dataset. */
  public static String tableName(String dataset) {
    return Variable.quoteIdentifier("ds_" + dataset);
  }

  /** The version of the data a loaded dataset holds. */
  public DataVersion version(String dataset) {
    DataVersion v = versions.get(dataset);
    if (v == null) {
      throw new IllegalArgumentException("dataset " + dataset + " is not loaded");
    }
    return v;
  }

  /** A new connection to the embedded DuckDB for one request; DuckDB connections must not be shared between threads. */
  public Connection connection() throws SQLException {
    return root.duplicate();
  }

  /** A new connection for one request on {@code dataset}: to the embedded DuckDB, or to its database. */
  public Connection connection(String dataset) throws SQLException {
    JdbcDataset d = external.get(dataset);
    return d == null ? connection() : d.connection();
  }

  /** What queries on {@code dataset} read FROM: its table, or its relation in parentheses (named). */
  public String relation(String dataset) {
    JdbcDataset d = external.get(dataset);
    return d == null ? tableName(dataset) : d.relation();
  }

  /** The SQL dialect of the engine holding {@code dataset}. */
  public SqlDialect dialect(String dataset) {
    return external.containsKey(dataset) ? SqlDialect.POSTGRESQL : SqlDialect.DUCKDB;
  }

  @Override
  public void close() throws SQLException {
    external.values().forEach(JdbcDataset::close);
    root.close();
  }
}
