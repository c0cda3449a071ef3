package org.fedstats.node.request;

import org.fedstats.node.error.RequestException;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.fedstats.common.Text;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FilterList;
import org.fedstats.proto.v1.InSet;
import org.fedstats.proto.v1.NullCheck;
import org.fedstats.proto.v1.Range;
import org.fedstats.proto.v1.Value;

/**
 * Validates a cohort filter against a dataset's declared variables and compiles it to a parameterised SQL predicate.
 * Identifiers come from the dataset's declaration (quoted), values are bound as parameters: nothing a researcher
 * sends is spliced into SQL.
 */
public final class FilterCompiler {
  public static final int MAX_DEPTH = 16;
  public static final int MAX_NODES = 256;
  public static final int MAX_IN_VALUES = 1000;

  private final DatasetSchema schema;
  private final StringBuilder sql = new StringBuilder();
  private final List<Object> params = new ArrayList<>();
  private int nodes;

  private FilterCompiler(DatasetSchema schema) {
    this.schema = schema;
  }

  /** Compiles {@code filter}; a request without a filter ({@code hasFilter == false}) selects every record. */
  public static SqlFragment compile(DatasetSchema schema, boolean hasFilter, Filter filter) {
    if (!hasFilter) {
      return SqlFragment.TRUE;
    }
    FilterCompiler compiler = new FilterCompiler(schema);
    compiler.node(filter, 1);
    return new SqlFragment(compiler.sql.toString(), compiler.params);
  }

  private void node(Filter f, int depth) {
    if (depth > MAX_DEPTH) {
      throw RequestException.invalid("filter is nested deeper than " + MAX_DEPTH + " levels");
    }
    if (++nodes > MAX_NODES) {
      throw RequestException.invalid("filter has more than " + MAX_NODES + " nodes");
    }
    switch (f.getKindCase()) {
      case COMPARISON -> comparison(f.getComparison());
      case IN_SET -> inSet(f.getInSet());
      case RANGE -> range(f.getRange());
      case NULL_CHECK -> nullCheck(f.getNullCheck());
      case AND -> list(f.getAnd(), " AND ", "AND", depth);
      case OR -> list(f.getOr(), " OR ", "OR", depth);
      case NOT -> {
        sql.append("(NOT ");
        node(f.getNot(), depth + 1);
        sql.append(')');
      }
      case KIND_NOT_SET -> throw RequestException.invalid("empty filter: a filter node must be a comparison, "
          + "in-set, range, null check, and, or, or not");
    }
  }

  private void list(FilterList list, String joiner, String name, int depth) {
    if (list.getFiltersCount() == 0) {
      throw RequestException.invalid("empty " + name + ": it needs at least one filter");
    }
    sql.append('(');
    for (int i = 0; i < list.getFiltersCount(); i++) {
      if (i > 0) {
        sql.append(joiner);
      }
      node(list.getFilters(i), depth + 1);
    }
    sql.append(')');
  }

  private void comparison(Comparison c) {
    Variable v = schema.require(c.getVariable());
    String op = switch (c.getOp()) {
      case EQ -> "=";
      case NE -> "<>";
      case LT -> "<";
      case LE -> "<=";
      case GT -> ">";
      case GE -> ">=";
      case COMPARISON_OPERATOR_UNSPECIFIED, UNRECOGNIZED ->
          throw RequestException.invalid("comparison on " + v.name() + " has no operator");
    };
    if (!op.equals("=") && !op.equals("<>") && !v.type().isOrdered()) {
      throw RequestException.invalid(v.name() + " is " + v.type().label()
          + ": only = and != comparisons apply to it");
    }
    if (!c.hasValue()) {
      throw RequestException.invalid("comparison on " + v.name() + " has no value");
    }
    Object bound = bind(v, c.getValue());
    sql.append(v.sqlIdentifier()).append(' ').append(op).append(" ?");
    params.add(bound);
  }

  private void inSet(InSet in) {
    Variable v = schema.require(in.getVariable());
    if (in.getValuesCount() == 0) {
      throw RequestException.invalid("IN-set on " + v.name() + " is empty");
    }
    if (in.getValuesCount() > MAX_IN_VALUES) {
      throw RequestException.invalid("IN-set on " + v.name() + " has more than " + MAX_IN_VALUES + " values");
    }
    sql.append(v.sqlIdentifier()).append(" IN (");
    for (int i = 0; i < in.getValuesCount(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
      params.add(bind(v, in.getValues(i)));
    }
    sql.append(')');
  }

  private void range(Range r) {
    Variable v = schema.require(r.getVariable());
    if (!v.type().isOrdered()) {
      throw RequestException.invalid(v.name() + " is " + v.type().label() + ": ranges apply only to numeric, "
          + "integer and date variables");
    }
    if (!r.hasLow() && !r.hasHigh()) {
      throw RequestException.invalid("range on " + v.name() + " has neither a low nor a high bound");
    }
    sql.append('(');
    if (r.hasLow()) {
      sql.append(v.sqlIdentifier()).append(r.getLowExclusive() ? " > ?" : " >= ?");
      params.add(bind(v, r.getLow()));
    }
    if (r.hasLow() && r.hasHigh()) {
      sql.append(" AND ");
    }
    if (r.hasHigh()) {
      sql.append(v.sqlIdentifier()).append(r.getHighExclusive() ? " < ?" : " <= ?");
      params.add(bind(v, r.getHigh()));
    }
    sql.append(')');
  }

  private void nullCheck(NullCheck n) {
    Variable v = schema.require(n.getVariable());
    sql.append(v.sqlIdentifier()).append(n.getIsNull() ? " IS NULL" : " IS NOT NULL");
  }

  /** Checks a literal against the variable's declared type and returns the JDBC parameter to bind. */
  static Object bind(Variable v, Value value) {
    String expected = switch (v.type()) {
      case NUMERIC, INTEGER -> "a number";
      case CATEGORICAL -> "a text level";
      case BOOLEAN -> "true or false";
      case DATE -> "a date (yyyy-mm-dd)";
      case IDENTIFIER -> throw new IllegalStateException("identifiers are refused when a request names them");
    };
    RequestException wrongType = RequestException.invalid(v.name() + " is " + v.type().label()
        + ": compare it with " + expected + ", not " + describe(value));
    return switch (v.type()) {
      case NUMERIC, INTEGER -> {
        if (value.getKindCase() != Value.KindCase.NUMBER) {
          throw wrongType;
        }
        double number = value.getNumber();
        if (!Double.isFinite(number)) {
          throw RequestException.invalid("comparison value for " + v.name() + " must be a finite number");
        }
        if (v.type() == VariableType.NUMERIC) {
          yield number;
        }
        // An integer variable holds whole numbers only: 59.5 would silently mean "age >= 60", so it is an error.
        if (number != Math.rint(number)) {
          throw RequestException.invalid(v.name() + " is an integer variable; " + plain(number)
              + " is not a whole number");
        }
        if (Math.abs(number) >= 0x1p63) {
          throw RequestException.invalid(v.name() + " is an integer variable; " + plain(number)
              + " is outside the range of whole numbers it can hold");
        }
        yield (long) number;
      }
      case CATEGORICAL -> {
        if (value.getKindCase() != Value.KindCase.TEXT) {
          throw wrongType;
        }
        if (!v.levels().contains(value.getText())) {
          String suggestion = Text.closest(value.getText(), v.levels()).map(l -> "did you mean '" + l + "'? ")
              .orElse("");
          throw RequestException.invalid(RequestException.quote(value.getText()) + " is not a level of "
              + v.name() + "; " + suggestion + "its declared levels are "
              + v.levels().stream().map(l -> "'" + l + "'").collect(Collectors.joining(", ")));
        }
        yield value.getText();
      }
      case BOOLEAN -> {
        if (value.getKindCase() != Value.KindCase.BOOLEAN) {
          throw wrongType;
        }
        yield value.getBoolean();
      }
      case DATE -> {
        if (value.getKindCase() != Value.KindCase.DATE) {
          throw wrongType;
        }
        try {
          yield Date.valueOf(LocalDate.parse(value.getDate()));
        } catch (DateTimeParseException e) {
          throw RequestException.invalid("comparison value for " + v.name() + " is not a yyyy-mm-dd date: "
              + RequestException.quote(value.getDate()));
        }
      }
      case IDENTIFIER -> throw wrongType;
    };
  }

  /** A request's number as written, without exponent or trailing zeros (59.5, not 5.95E1). */
  private static String plain(double number) {
    return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
  }

  private static String describe(Value value) {
    return switch (value.getKindCase()) {
      case NUMBER -> "a number";
      case TEXT -> "text";
      case BOOLEAN -> "a boolean";
      case DATE -> "a date";
      case KIND_NOT_SET -> "an empty value";
    };
  }

}
