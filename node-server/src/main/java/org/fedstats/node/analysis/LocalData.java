package org.fedstats.node.analysis;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.fedstats.node.request.SqlFragment;
import org.fedstats.node.dataset.SqlDialect;

/**
 * A site's records as one request's analysis sees them: the dataset's table, the cohort's WHERE clause (compiled
 * from the request's filter, with its parameters) and a connection whose statements the request's cancellation can
 * stop. Analyses build SQL from quoted identifiers of declared variables and bind every value as a parameter.
 */
public final class LocalData {
  private final Connection connection;
  private final SqlDialect dialect;
  private final Cancellation cancellation;
  private final String table;
  private final SqlFragment cohort;
  private final long cohortSize;

  /** Records in the node's embedded DuckDB. */
  public LocalData(Connection connection, Cancellation cancellation, String table, SqlFragment cohort,
      long cohortSize) {
    this(connection, SqlDialect.DUCKDB, cancellation, table, cohort, cohortSize);
  }

  /**
   * {@code table}: the quoted table (or a relation in parentheses, named) the analyses read FROM, in {@code dialect};
   * {@code cohortSize}: the records the cohort holds, as the gate counted (and checked) them.
   */
  public LocalData(Connection connection, SqlDialect dialect, Cancellation cancellation, String table,
      SqlFragment cohort, long cohortSize) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.cancellation = Objects.requireNonNull(cancellation, "cancellation");
    this.table = Objects.requireNonNull(table, "table");
    this.cohort = Objects.requireNonNull(cohort, "cohort");
    this.cohortSize = cohortSize;
  }

  /** The records in the cohort. */
  public long cohortSize() {
    return cohortSize;
  }

  /** The SQL of the engine the dataset lives in. */
  public SqlDialect dialect() {
    return dialect;
  }

  /** The quoted name of the dataset's table (or its relation, named), to put after FROM. */
  public String table() {
    return table;
  }

  /** The cohort's condition, to put after WHERE; its parameters come from {@link #cohortParams()}. */
  public String cohortSql() {
    return cohort.sql();
  }

  public List<Object> cohortParams() {
    return cohort.params();
  }

  /** {@code params} followed by the cohort's parameters, for SQL that binds its own values before the cohort's. */
  public List<Object> withCohortParams(List<Object> params) {
    List<Object> all = new ArrayList<>(params);
    all.addAll(cohort.params());
    return all;
  }

  /**
   * The cohort's records where {@code condition} holds (SQL without parameters, e.g. {@code "x" IS NOT NULL};
   * "TRUE" for all), one set per value of {@code keys} (SQL expressions whose parameters come from
   * {@code keyParams}; none for a single set): what the gate remembers of a release.
   */
  public RecordSets recordSets(List<String> keys, List<Object> keyParams, String condition) {
    StringBuilder sql = new StringBuilder("SELECT ").append(dialect.rowId());
    keys.forEach(k -> sql.append(", ").append(k));
    sql.append(" FROM ").append(table).append(" WHERE (").append(cohort.sql()).append(") AND (").append(condition)
        .append(')');
    return new RecordSets(sql.toString(), withCohortParams(keyParams));
  }

  /** A statement the request's cancellation can stop, with {@code params} bound in order. */
  public PreparedStatement prepare(String sql, List<Object> params) throws SQLException {
    PreparedStatement ps = connection.prepareStatement(sql);
    try {
      cancellation.started(ps);
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
    return ps;
  }
}
