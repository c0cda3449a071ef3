package org.fedstats.node.dataset;

import java.util.Locale;
import org.fedstats.proto.v1.VariableInfo;

/**
 * Declared type of a dataset variable and the SQL type the node stores it as. An {@link #IDENTIFIER} (a patient or
 * record id) is kept as the file's text, is never announced to researchers and no request may use it.
 */
public enum VariableType {
  NUMERIC("DOUBLE", VariableInfo.Type.NUMERIC),
  INTEGER("BIGINT", VariableInfo.Type.INTEGER),
  CATEGORICAL("VARCHAR", VariableInfo.Type.CATEGORICAL),
  BOOLEAN("BOOLEAN", VariableInfo.Type.BOOLEAN),
  DATE("DATE", VariableInfo.Type.DATE),
  IDENTIFIER("VARCHAR", null);

  private final String sqlType;
  private final VariableInfo.Type proto;

  VariableType(String sqlType, VariableInfo.Type proto) {
    this.sqlType = sqlType;
    this.proto = proto;
  }

  public String sqlType() {
    return sqlType;
  }

  /** The type as announced to researchers; an identifier is never announced. */
  public VariableInfo.Type proto() {
    if (proto == null) {
      throw new IllegalStateException("an identifier is never announced");
    }
    return proto;
  }

  public boolean isNumeric() {
    return this == NUMERIC || this == INTEGER;
  }

  /** Ordered types accept ranges and &lt; / &gt; comparisons. */
  public boolean isOrdered() {
    return this == NUMERIC || this == INTEGER || this == DATE;
  }

  public static VariableType parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown variable type '" + text
          + "' (expected numeric, integer, categorical, boolean, date or identifier)", e);
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
