package org.fedstats.client.analysis;

import java.util.Objects;

/**
 * A column of an analysis's tabular output (CSV, Arrow): its name and the type of its values. A row holds, for a
 * column of each type, a {@link String}, {@link Long}, {@link Double} or {@link Boolean}, or null where the row has
 * no value (a site's answer has no test statistic; a fixed-effect estimate has no tau²).
 */
public record Column(String name, Type type) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a column needs a name");
    }
  }

  /** The value types of the columns. */
  public enum Type {
    STRING(String.class), INT64(Long.class), FLOAT64(Double.class), BOOL(Boolean.class);

    private final Class<?> javaType;

    Type(Class<?> javaType) {
      this.javaType = javaType;
    }

    /** Whether {@code value} may stand in a column of this type (null always may). */
    public boolean admits(Object value) {
      return value == null || javaType.isInstance(value);
    }
  }

  public static Column string(String name) {
    return new Column(name, Type.STRING);
  }

  public static Column int64(String name) {
    return new Column(name, Type.INT64);
  }

  public static Column float64(String name) {
    return new Column(name, Type.FLOAT64);
  }

  public static Column bool(String name) {
    return new Column(name, Type.BOOL);
  }
}
