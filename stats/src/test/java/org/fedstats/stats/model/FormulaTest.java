package org.fedstats.stats.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormulaTest {

    private static List<String> labels(Formula f) {
        return f.terms().stream().map(Term::label).toList();
    }

    @Test
    void parsesTermsInROrder() {
        Formula f = Formula.parse("status ~ rx + sex + age*nodes + a:b");
        assertThat(f.response()).isEqualTo("status");
        assertThat(f.intercept()).isTrue();
        assertThat(labels(f)).containsExactly("rx", "sex", "age", "nodes", "age:nodes", "a:b");
    }

    @Test
    void interactionVariablesFollowFirstAppearance() {
        assertThat(labels(Formula.parse("y ~ age + rx + rx:age"))).containsExactly("age", "rx", "age:rx");
        assertThat(labels(Formula.parse("y ~ b:a + a"))).containsExactly("a", "b:a");
        assertThat(labels(Formula.parse("y ~ (a + b)*c"))).containsExactly("a", "b", "c", "a:c", "b:c");
        assertThat(labels(Formula.parse("y ~ a*b*c")))
                .containsExactly("a", "b", "c", "a:b", "a:c", "b:c", "a:b:c");
    }

    @Test
    void interceptCanBeDropped() {
        assertThat(Formula.parse("y ~ x - 1").intercept()).isFalse();
        assertThat(Formula.parse("y ~ 0 + x").intercept()).isFalse();
        assertThat(Formula.parse("y ~ x + 1").intercept()).isTrue();
        assertThat(Formula.parse("y ~ 1").terms()).isEmpty();
        assertThat(Formula.parse("`my y` ~ `a b` + c.d_e").predictors()).containsExactly("a b", "c.d_e");
    }

    @Test
    void syntaxErrorsSayWhereAndWhat() {
        assertThatThrownBy(() -> Formula.parse("y ~ a + "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position 9").hasMessageContaining("expected a variable name");
        assertThatThrownBy(() -> Formula.parse("y  a")).hasMessageContaining("position 4").hasMessageContaining("'~'");
        assertThatThrownBy(() -> Formula.parse("y ~ a b")).hasMessageContaining("position 7");
        assertThatThrownBy(() -> Formula.parse("y ~ (a + b")).hasMessageContaining("')'");
        assertThatThrownBy(() -> Formula.parse("y ~ a - b")).hasMessageContaining("only the intercept");
        assertThatThrownBy(() -> Formula.parse("y ~ .")).hasMessageContaining("'.'");
    }

    @Test
    void rejectsDuplicatesResponseAndTooManyTerms() {
        assertThatThrownBy(() -> Formula.parse("y ~ a + a")).hasMessageContaining("term a appears more than once");
        assertThatThrownBy(() -> Formula.parse("y ~ a*b + a:b")).hasMessageContaining("a:b appears more than once");
        assertThatThrownBy(() -> Formula.parse("y ~ a + y")).hasMessageContaining("response 'y'");
        assertThatThrownBy(() -> Formula.parse("y ~ a:a")).hasMessageContaining("with itself");
        StringBuilder sb = new StringBuilder("y ~ x0");
        for (int i = 1; i <= 50; i++) {
            sb.append(" + x").append(i);
        }
        assertThatThrownBy(() -> Formula.parse(sb.toString())).hasMessageContaining("at most 50 terms");
    }
}
