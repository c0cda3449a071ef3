package org.fedstats.client.filter;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.Value;

/**
 * Parses the filter expressions of the command line into typed conditions (never into SQL):
 * <pre>
 *   expr      := and ('or' and)*
 *   and       := unary ('and' unary)*
 *   unary     := 'not' unary | '(' expr ')' | predicate
 *   predicate := NAME op value | NAME ['not'] 'in' '(' value (',' value)* ')'
 *              | NAME 'between' value 'and' value | NAME 'is' ['not'] 'null'
 *   op        := '=' | '==' | '!=' | '&lt;&gt;' | '&lt;' | '&lt;=' | '&gt;' | '&gt;='
 *   value     := number | 'text' | "text" | bare-word | true | false | @yyyy-mm-dd
 * </pre>
 * Keywords are case-insensitive. A bare word that is not a number is text: {@code rx = Lev+5FU}.
 */
public final class FilterParser {
  private final List<String> tokens;
  private final String source;
  private int pos;

  private FilterParser(String source, List<String> tokens) {
    this.source = source;
    this.tokens = tokens;
  }

  public static Condition parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("empty filter expression");
    }
    FilterParser p = new FilterParser(expression, tokenize(expression));
    Condition c = p.orExpr();
    if (p.pos < p.tokens.size()) {
      throw p.error("unexpected '" + p.tokens.get(p.pos) + "'");
    }
    return c;
  }

  private Condition orExpr() {
    Condition c = andExpr();
    while (acceptKeyword("or")) {
      c = c.or(andExpr());
    }
    return c;
  }

  private Condition andExpr() {
    Condition c = unary();
    while (acceptKeyword("and")) {
      c = c.and(unary());
    }
    return c;
  }

  private Condition unary() {
    if (acceptKeyword("not")) {
      return unary().negate();
    }
    if (accept("(")) {
      Condition c = orExpr();
      expect(")");
      return c;
    }
    return predicate();
  }

  private Condition predicate() {
    String name = next("a variable name");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
      throw error("expected a variable name, found '" + name + "'");
    }
    if (acceptKeyword("is")) {
      boolean negated = acceptKeyword("not");
      if (!acceptKeyword("null")) {
        throw error("expected 'null' after 'is'");
      }
      return negated ? Filters.notNull(name) : Filters.isNull(name);
    }
    if (acceptKeyword("between")) {
      Value low = value();
      if (!acceptKeyword("and")) {
        throw error("expected 'and' in 'between'");
      }
      return Filters.between(name, low, value());
    }
    boolean notIn = acceptKeyword("not");
    if (acceptKeyword("in")) {
      expect("(");
      List<Value> values = new ArrayList<>();
      do {
        values.add(value());
      } while (accept(","));
      expect(")");
      Condition in = Filters.in(name, values);
      return notIn ? in.negate() : in;
    }
    if (notIn) {
      throw error("expected 'in' after 'not'");
    }
    String op = next("an operator");
    ComparisonOperator operator = switch (op) {
      case "=", "==" -> ComparisonOperator.EQ;
      case "!=", "<>" -> ComparisonOperator.NE;
      case "<" -> ComparisonOperator.LT;
      case "<=" -> ComparisonOperator.LE;
      case ">" -> ComparisonOperator.GT;
      case ">=" -> ComparisonOperator.GE;
      default -> throw error("expected a comparison operator after " + name + ", found '" + op + "'");
    };
    return Filters.compare(name, operator, value());
  }

  private Value value() {
    String t = next("a value");
    if (t.startsWith("'") || t.startsWith("\"")) {
      return Value.newBuilder().setText(t.substring(1, t.length() - 1)).build();
    }
    if (t.startsWith("@")) {
      try {
        return Value.newBuilder().setDate(LocalDate.parse(t.substring(1)).toString()).build();
      } catch (DateTimeParseException e) {
        throw error("'" + t + "' is not a date @yyyy-mm-dd");
      }
    }
    if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
      return Value.newBuilder().setBoolean(Boolean.parseBoolean(t.toLowerCase(Locale.ROOT))).build();
    }
    if (t.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
      return Value.newBuilder().setNumber(Double.parseDouble(t)).build();
    }
    if (t.matches("[(),=<>!]+")) {
      throw error("expected a value, found '" + t + "'");
    }
    return Value.newBuilder().setText(t).build();
  }

  private boolean accept(String token) {
    if (pos < tokens.size() && tokens.get(pos).equals(token)) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean acceptKeyword(String keyword) {
    if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(keyword)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String token) {
    if (!accept(token)) {
      throw error("expected '" + token + "'" + (pos < tokens.size() ? ", found '" + tokens.get(pos) + "'" : ""));
    }
  }

  private String next(String what) {
    if (pos >= tokens.size()) {
      throw error("expected " + what + " at the end");
    }
    return tokens.get(pos++);
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException("filter '" + source + "': " + message);
  }

  private static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        int end = s.indexOf(c, i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("filter '" + s + "': unterminated quote");
        }
        out.add(s.substring(i, end + 1));
        i = end + 1;
      } else if (c == '(' || c == ')' || c == ',') {
        out.add(String.valueOf(c));
        i++;
      } else if (c == '<' || c == '>' || c == '=' || c == '!') {
        int j = i + 1;
        if (j < s.length() && (s.charAt(j) == '=' || (c == '<' && s.charAt(j) == '>'))) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else {
        int j = i;
        while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && "(),<>=!'\"".indexOf(s.charAt(j)) < 0) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      }
    }
    return out;
  }
}
