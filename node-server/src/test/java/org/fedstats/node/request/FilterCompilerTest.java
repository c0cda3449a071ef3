package org.fedstats.node.request;

import org.fedstats.node.error.RequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.sql.Date;
import java.util.List;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FilterList;
import org.fedstats.proto.v1.InSet;
import org.fedstats.proto.v1.NullCheck;
import org.fedstats.proto.v1.Range;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.Test;

class FilterCompilerTest {
  private static final DatasetSchema SCHEMA = new DatasetSchema("colon", List.of(
      new Variable("age", VariableType.INTEGER, "", null),
      new Variable("weight", VariableType.NUMERIC, "", null),
      new Variable("rx", VariableType.CATEGORICAL, "", List.of("Obs", "Lev", "Lev+5FU")),
      new Variable("smoker", VariableType.BOOLEAN, "", null),
      new Variable("visit", VariableType.DATE, "", null),
      new Variable("pooled.stratum", VariableType.INTEGER, "", null),
      new Variable("id", VariableType.IDENTIFIER, "", null)));

  private static Value num(double v) {
    return Value.newBuilder().setNumber(v).build();
  }

  private static Value text(String v) {
    return Value.newBuilder().setText(v).build();
  }

  private static Filter cmp(String var, ComparisonOperator op, Value v) {
    return Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable(var).setOp(op).setValue(v)).build();
  }

  private static SqlFragment compile(Filter f) {
    return FilterCompiler.compile(SCHEMA, true, f);
  }

  private static void assertInvalid(Filter f, String message) {
    assertThatThrownBy(() -> compile(f))
        .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining(message);
  }

  @Test
  void identifiersAreNeverFilteredOn() {
    for (Filter f : List.of(cmp("id", ComparisonOperator.EQ, text("P-17")), cmp("id", ComparisonOperator.GE, num(17)),
        Filter.newBuilder().setNullCheck(NullCheck.newBuilder().setVariable("id").setIsNull(true)).build(),
        Filter.newBuilder().setInSet(InSet.newBuilder().setVariable("id").addValues(num(17))).build(),
        Filter.newBuilder().setRange(Range.newBuilder().setVariable("id").setLow(num(17))).build())) {
      assertThatThrownBy(() -> compile(f))
          .isInstanceOfSatisfying(RequestException.class,
              e -> assertThat(e.code()).isEqualTo(Status.Code.PERMISSION_DENIED))
          .hasMessageContaining("variable id of dataset colon is an identifier (rule identifier)")
          .hasMessageNotContaining("17");
    }
  }

  @Test
  void absentFilterSelectsEverything() {
    assertThat(FilterCompiler.compile(SCHEMA, false, Filter.getDefaultInstance())).isEqualTo(SqlFragment.TRUE);
  }

  @Test
  void compilesATreeToQuotedIdentifiersAndBoundParameters() {
    Filter f = Filter.newBuilder().setAnd(FilterList.newBuilder()
        .addFilters(cmp("age", ComparisonOperator.GE, num(60)))
        .addFilters(Filter.newBuilder().setInSet(InSet.newBuilder().setVariable("rx")
            .addValues(text("Lev")).addValues(text("Lev+5FU"))))
        .addFilters(Filter.newBuilder().setNot(Filter.newBuilder().setNullCheck(
            NullCheck.newBuilder().setVariable("pooled.stratum").setIsNull(true))))
        .addFilters(Filter.newBuilder().setRange(Range.newBuilder().setVariable("visit")
            .setLow(Value.newBuilder().setDate("2020-01-01")).setHigh(Value.newBuilder().setDate("2020-12-31"))
            .setHighExclusive(true)))
        .addFilters(Filter.newBuilder().setOr(FilterList.newBuilder()
            .addFilters(cmp("smoker", ComparisonOperator.EQ, Value.newBuilder().setBoolean(true).build()))
            .addFilters(cmp("weight", ComparisonOperator.LT, num(70.5))))))
        .build();
    SqlFragment sql = compile(f);
    assertThat(sql.sql()).isEqualTo("(\"age\" >= ? AND \"rx\" IN (?, ?) AND (NOT \"pooled.stratum\" IS NULL)"
        + " AND (\"visit\" >= ? AND \"visit\" < ?) AND (\"smoker\" = ? OR \"weight\" < ?))");
    assertThat(sql.params()).containsExactly(60L, "Lev", "Lev+5FU", Date.valueOf("2020-01-01"),
        Date.valueOf("2020-12-31"), true, 70.5);
  }

  @Test
  void unknownVariableIsRejected() {
    assertInvalid(cmp("height", ComparisonOperator.EQ, num(1)), "unknown variable 'height' in dataset colon");
  }

  @Test
  void unknownVariableSuggestsTheClosestAndPointsToTheList() {
    assertInvalid(cmp("agee", ComparisonOperator.EQ, num(1)), "unknown variable 'agee' in dataset colon; "
        + "did you mean 'age'? 'fedstats variables colon' lists its variables");
    assertThatThrownBy(() -> compile(cmp("diagnosis", ComparisonOperator.EQ, num(1))))
        .hasMessageNotContaining("did you mean").hasMessageEndingWith("'fedstats variables colon' lists its variables");
  }

  @Test
  void requestTextIsEchoedWithoutControlOrBidiCharacters() {
    String spoofed = "ag\u202Ee\n\u200B";
    assertThatThrownBy(() -> compile(cmp(spoofed, ComparisonOperator.EQ, num(1))))
        .isInstanceOf(RequestException.class)
        .hasMessageContaining("unknown variable 'ag\\u202Ee\\u000A\\u200B'")
        .hasMessageNotContaining("\u202E").hasMessageNotContaining("\n").hasMessageNotContaining("\u200B");
    assertThatThrownBy(() -> compile(cmp("rx", ComparisonOperator.EQ, text("Lev\u202E"))))
        .hasMessageContaining("'Lev\\u202E' is not a level of rx")
        .hasMessageNotContaining("\u202E");
    assertThatThrownBy(() -> compile(cmp("visit", ComparisonOperator.EQ,
        Value.newBuilder().setDate("2020\u202E-01-01").build())))
        .hasMessageContaining("2020\\u202E-01-01").hasMessageNotContaining("\u202E");
    String longName = "x".repeat(500);
    assertThatThrownBy(() -> compile(cmp(longName, ComparisonOperator.EQ, num(1))))
        .hasMessageNotContaining("x".repeat(65));
  }

  @Test
  void undeclaredLevelListsTheDeclaredLevels() {
    assertInvalid(cmp("rx", ComparisonOperator.EQ, text("Levv")), "'Levv' is not a level of rx; did you mean 'Lev'? "
        + "its declared levels are 'Obs', 'Lev', 'Lev+5FU'");
    assertInvalid(Filter.newBuilder().setInSet(InSet.newBuilder().setVariable("rx").addValues(text("Obs"))
        .addValues(text("placebo"))).build(), "its declared levels are 'Obs', 'Lev', 'Lev+5FU'");
  }

  @Test
  void integerVariablesTakeWholeNumbersOnly() {
    assertInvalid(cmp("age", ComparisonOperator.GE, num(59.5)), "age is an integer variable; 59.5 is not a whole number");
    assertInvalid(Filter.newBuilder().setInSet(InSet.newBuilder().setVariable("age").addValues(num(60))
        .addValues(num(60.25))).build(), "age is an integer variable; 60.25 is not a whole number");
    assertInvalid(Filter.newBuilder().setRange(Range.newBuilder().setVariable("age").setLow(num(18))
        .setHigh(num(64.999))).build(), "age is an integer variable; 64.999 is not a whole number");
    assertInvalid(cmp("age", ComparisonOperator.LT, num(1e30)), "outside the range");
    // Whole numbers bind as integers; numeric variables keep their fractions.
    assertThat(compile(cmp("age", ComparisonOperator.GE, num(60.0))).params()).containsExactly(60L);
    assertThat(compile(cmp("age", ComparisonOperator.GE, num(-3))).params()).containsExactly(-3L);
    assertThat(compile(cmp("weight", ComparisonOperator.GE, num(59.5))).params()).containsExactly(59.5);
  }

  @Test
  void variableNamesThatLookLikeSqlAreJustUnknownVariables() {
    String injection = "age\" = 1 OR 1=1; DROP TABLE \"ds_colon\"; --";
    assertInvalid(cmp(injection, ComparisonOperator.EQ, num(1)), "unknown variable");
    assertInvalid(Filter.newBuilder().setNullCheck(NullCheck.newBuilder().setVariable("1=1) OR (1")).build(),
        "unknown variable");
  }

  @Test
  void textValuesAreNeverSplicedIntoSql() {
    String hostile = "Lev'; DROP TABLE x; --";
    assertInvalid(cmp("rx", ComparisonOperator.EQ, text(hostile)), "is not a level of rx");
  }

  @Test
  void wrongValueTypesAreRejected() {
    assertInvalid(cmp("age", ComparisonOperator.EQ, text("sixty")), "age is integer: compare it with a number, not text");
    assertInvalid(cmp("rx", ComparisonOperator.EQ, num(1)), "rx is categorical: compare it with a text level");
    assertInvalid(cmp("smoker", ComparisonOperator.EQ, num(1)), "smoker is boolean");
    assertInvalid(cmp("visit", ComparisonOperator.EQ, Value.newBuilder().setDate("yesterday").build()),
        "not a yyyy-mm-dd date");
    assertInvalid(cmp("age", ComparisonOperator.EQ, num(Double.NaN)), "finite");
    assertInvalid(cmp("rx", ComparisonOperator.LT, text("Lev")), "only = and != comparisons");
    assertInvalid(Filter.newBuilder().setRange(Range.newBuilder().setVariable("rx").setLow(text("Lev"))).build(),
        "ranges apply only");
    assertInvalid(Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setOp(ComparisonOperator.EQ)).build(), "has no value");
    assertInvalid(Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setValue(num(1))).build(), "has no operator");
  }

  @Test
  void emptyFiltersAreRejected() {
    assertInvalid(Filter.getDefaultInstance(), "empty filter");
    assertInvalid(Filter.newBuilder().setAnd(FilterList.getDefaultInstance()).build(), "empty AND");
    assertInvalid(Filter.newBuilder().setInSet(InSet.newBuilder().setVariable("age")).build(), "IN-set on age is empty");
    assertInvalid(Filter.newBuilder().setRange(Range.newBuilder().setVariable("age")).build(), "neither a low nor");
  }

  @Test
  void depthIsLimited() {
    Filter f = cmp("age", ComparisonOperator.GT, num(1));
    for (int i = 1; i < FilterCompiler.MAX_DEPTH; i++) {
      f = Filter.newBuilder().setNot(f).build();
    }
    assertThat(compile(f).sql()).startsWith("(NOT (NOT");
    Filter tooDeep = Filter.newBuilder().setNot(f).build();
    assertInvalid(tooDeep, "nested deeper than " + FilterCompiler.MAX_DEPTH);
  }

  @Test
  void sizeIsLimited() {
    FilterList.Builder wide = FilterList.newBuilder();
    for (int i = 0; i < FilterCompiler.MAX_NODES; i++) {
      wide.addFilters(cmp("age", ComparisonOperator.NE, num(i)));
    }
    assertInvalid(Filter.newBuilder().setOr(wide).build(), "more than " + FilterCompiler.MAX_NODES + " nodes");
    InSet.Builder in = InSet.newBuilder().setVariable("age");
    for (int i = 0; i <= FilterCompiler.MAX_IN_VALUES; i++) {
      in.addValues(num(i));
    }
    assertInvalid(Filter.newBuilder().setInSet(in).build(), "more than " + FilterCompiler.MAX_IN_VALUES + " values");
  }
}
