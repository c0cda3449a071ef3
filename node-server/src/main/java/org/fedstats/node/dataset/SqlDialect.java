package org.fedstats.node.dataset;

/**
 * Where the SQL the node writes differs between the engines a dataset can live in: the names of the types a declared
 * variable is read as, and the expression of a record's stable row id. Everything else the analyses write (counts,
 * {@code FILTER}, {@code CASE}, {@code LIMIT/OFFSET}, positional {@code GROUP BY}, bound parameters, quoted
 * identifiers) is common to both.
 */
public enum SqlDialect {
  /** The node's embedded DuckDB: the loaded table's own {@code rowid} (0 to rows - 1 in the sources' order). */
  DUCKDB {
    @Override
    public String type(VariableType type) {
      return type.sqlType();
    }

    @Override
    public String rowId() {
      return "rowid";
    }
  },
  /**
   * PostgreSQL: a dataset is read through the node's subquery of the table, which casts each declared column to its
   * declared type and names the declared row-id column {@link #rowId()} ({@code ctid} is not stable: it changes when a
   * row is updated or the table vacuumed full).
   */
  POSTGRESQL {
    @Override
    public String type(VariableType type) {
      return switch (type) {
        case NUMERIC -> "DOUBLE PRECISION";
        case INTEGER -> "BIGINT";
        case CATEGORICAL, IDENTIFIER -> "TEXT";
        case BOOLEAN -> "BOOLEAN";
        case DATE -> "DATE";
      };
    }

    @Override
    public String rowId() {
      // A space: no declared variable name can hold one, so it never shadows a variable.
      return Variable.quoteIdentifier("fedstats row");
    }
  };

  /** The SQL type a variable of {@code type} is read as. */
  public abstract String type(VariableType type);

  /** The expression of a record's stable row id (a whole number from 0 to 2^31 - 1) in the dataset's relation. */
  public abstract String rowId();

  /** {@code expr} (SQL) as a double. */
  public String toDouble(String expr) {
    return cast(expr, VariableType.NUMERIC);
  }

  /** {@code expr} (SQL) as text. */
  public String toText(String expr) {
    return cast(expr, VariableType.CATEGORICAL);
  }

  /** {@code expr} (SQL) cast to the type a variable of {@code type} is read as. */
  public String cast(String expr, VariableType type) {
    return "CAST(" + expr + " AS " + type(type) + ")";
  }
}
