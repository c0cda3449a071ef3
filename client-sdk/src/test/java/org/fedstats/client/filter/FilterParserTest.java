package org.fedstats.client.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.Filter;
import org.junit.jupiter.api.Test;

class FilterParserTest {
  @Test
  void parsesComparisonsWithTypedValues() {
    Filter f = FilterParser.parse("age >= 60").filter();
    assertThat(f.getComparison().getVariable()).isEqualTo("age");
    assertThat(f.getComparison().getOp()).isEqualTo(ComparisonOperator.GE);
    assertThat(f.getComparison().getValue().getNumber()).isEqualTo(60.0);

    assertThat(FilterParser.parse("rx = Lev+5FU").filter().getComparison().getValue().getText()).isEqualTo("Lev+5FU");
    assertThat(FilterParser.parse("education = '12+ yrs'").filter().getComparison().getValue().getText())
        .isEqualTo("12+ yrs");
    assertThat(FilterParser.parse("smoker != TRUE").filter().getComparison().getValue().getBoolean()).isTrue();
    assertThat(FilterParser.parse("visit < @2020-02-29").filter().getComparison().getValue().getDate())
        .isEqualTo("2020-02-29");
    assertThat(FilterParser.parse("w <> -1.5e2").filter().getComparison().getValue().getNumber()).isEqualTo(-150.0);
  }

  @Test
  void andBindsTighterThanOrAndChainsFlatten() {
    Filter f = FilterParser.parse("a = 1 or b = 2 and c = 3 and d = 4").filter();
    assertThat(f.getOr().getFiltersCount()).isEqualTo(2);
    assertThat(f.getOr().getFilters(1).getAnd().getFiltersCount()).isEqualTo(3);
    Filter grouped = FilterParser.parse("(a = 1 or b = 2) and not c = 3").filter();
    assertThat(grouped.getAnd().getFilters(0).hasOr()).isTrue();
    assertThat(grouped.getAnd().getFilters(1).getNot().getComparison().getVariable()).isEqualTo("c");
  }

  @Test
  void parsesSetsRangesAndNullChecks() {
    Filter in = FilterParser.parse("rx IN (Obs, 'Lev')").filter();
    assertThat(in.getInSet().getValuesList()).extracting(v -> v.getText()).containsExactly("Obs", "Lev");
    assertThat(FilterParser.parse("rx not in (Obs)").filter().getNot().hasInSet()).isTrue();
    Filter range = FilterParser.parse("age between 40 and 60").filter();
    assertThat(range.getRange().getLow().getNumber()).isEqualTo(40.0);
    assertThat(range.getRange().getHigh().getNumber()).isEqualTo(60.0);
    assertThat(FilterParser.parse("nodes is null").filter().getNullCheck().getIsNull()).isTrue();
    assertThat(FilterParser.parse("nodes IS NOT NULL").filter().getNullCheck().getIsNull()).isFalse();
  }

  @Test
  void rejectsMalformedExpressionsWithAPointer() {
    assertThatThrownBy(() -> FilterParser.parse("")).hasMessageContaining("empty filter expression");
    assertThatThrownBy(() -> FilterParser.parse("age >")).hasMessageContaining("expected a value at the end");
    assertThatThrownBy(() -> FilterParser.parse("age 60")).hasMessageContaining("expected a comparison operator");
    assertThatThrownBy(() -> FilterParser.parse("(age > 1")).hasMessageContaining("expected ')'");
    assertThatThrownBy(() -> FilterParser.parse("age > 1 age")).hasMessageContaining("unexpected 'age'");
    assertThatThrownBy(() -> FilterParser.parse("rx = 'Lev")).hasMessageContaining("unterminated quote");
    assertThatThrownBy(() -> FilterParser.parse("1=1 or x = 1")).hasMessageContaining("expected a variable name");
  }
}
