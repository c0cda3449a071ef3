package org.fedstats.client.filter;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FilterList;
import org.fedstats.proto.v1.InSet;
import org.fedstats.proto.v1.NullCheck;
import org.fedstats.proto.v1.Range;
import org.fedstats.proto.v1.Value;

/**
 * Builds cohort conditions: {@code Filters.ge("age", 60).and(Filters.in("rx", "Lev", "Lev+5FU"))}. Values are
 * numbers, strings (categorical levels), booleans or {@link LocalDate}s; the nodes check them against the
 * variables' declared types.
 */
public final class Filters {
  private Filters() {}

  public static Condition eq(String variable, Object value) {
    return compare(variable, ComparisonOperator.EQ, value);
  }

  public static Condition ne(String variable, Object value) {
    return compare(variable, ComparisonOperator.NE, value);
  }

  public static Condition lt(String variable, Object value) {
    return compare(variable, ComparisonOperator.LT, value);
  }

  public static Condition le(String variable, Object value) {
    return compare(variable, ComparisonOperator.LE, value);
  }

  public static Condition gt(String variable, Object value) {
    return compare(variable, ComparisonOperator.GT, value);
  }

  public static Condition ge(String variable, Object value) {
    return compare(variable, ComparisonOperator.GE, value);
  }

  public static Condition compare(String variable, ComparisonOperator op, Object value) {
    return new Condition(Filter.newBuilder().setComparison(Comparison.newBuilder()
        .setVariable(variable).setOp(op).setValue(value(value))).build());
  }

  public static Condition in(String variable, Object... values) {
    return in(variable, Arrays.asList(values));
  }

  public static Condition in(String variable, List<?> values) {
    InSet.Builder b = InSet.newBuilder().setVariable(variable);
    values.forEach(v -> b.addValues(value(v)));
    return new Condition(Filter.newBuilder().setInSet(b).build());
  }

  /** {@code low <= variable <= high}. */
  public static Condition between(String variable, Object low, Object high) {
    return new Condition(Filter.newBuilder().setRange(Range.newBuilder().setVariable(variable)
        .setLow(value(low)).setHigh(value(high))).build());
  }

  public static Condition isNull(String variable) {
    return new Condition(Filter.newBuilder().setNullCheck(NullCheck.newBuilder().setVariable(variable)
        .setIsNull(true)).build());
  }

  public static Condition notNull(String variable) {
    return new Condition(Filter.newBuilder().setNullCheck(NullCheck.newBuilder().setVariable(variable)
        .setIsNull(false)).build());
  }

  public static Condition not(Condition condition) {
    return condition.negate();
  }

  public static Condition all(Condition... conditions) {
    FilterList.Builder b = FilterList.newBuilder();
    Arrays.stream(conditions).forEach(c -> b.addFilters(c.filter()));
    return new Condition(Filter.newBuilder().setAnd(b).build());
  }

  public static Condition any(Condition... conditions) {
    FilterList.Builder b = FilterList.newBuilder();
    Arrays.stream(conditions).forEach(c -> b.addFilters(c.filter()));
    return new Condition(Filter.newBuilder().setOr(b).build());
  }

  /** Parses a condition such as {@code age >= 60 and rx in ('Lev', 'Lev+5FU')}; see {@link FilterParser}. */
  public static Condition parse(String expression) {
    return FilterParser.parse(expression);
  }

  static Value value(Object v) {
    return switch (v) {
      case null -> throw new IllegalArgumentException("a filter value must not be null; use isNull()");
      case Number n -> Value.newBuilder().setNumber(n.doubleValue()).build();
      case String s -> Value.newBuilder().setText(s).build();
      case Boolean b -> Value.newBuilder().setBoolean(b).build();
      case LocalDate d -> Value.newBuilder().setDate(d.toString()).build();
      case Value value -> value;
      default -> throw new IllegalArgumentException("unsupported filter value type " + v.getClass().getName());
    };
  }
}
