package org.fedstats.stats.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A model formula in R's notation, e.g. {@code status ~ rx + sex + age*nodes + a:b}.
 *
 * <p>Supported: {@code +} between terms, {@code :} for an interaction, {@code a*b} for {@code a + b + a:b},
 * parentheses such as {@code (a + b)*c}, and {@code - 1} or {@code + 0} to drop the intercept (the intercept is
 * present otherwise). Names are R names ({@code [A-Za-z.][A-Za-z0-9._]*}) or any text between backquotes. As R's
 * {@code terms()}, the terms are ordered by their number of variables (main effects first), then by appearance, and
 * the variables of an interaction are ordered by their first appearance in the formula.
 *
 * @param response the response variable
 * @param terms the terms in R's order, without the intercept
 * @param intercept whether the model has an intercept
 */
public record Formula(String response, List<Term> terms, boolean intercept) {

    /** The largest number of terms a formula may have after expanding {@code *}. */
    public static final int MAX_TERMS = 50;

    public Formula {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(terms, "terms");
        terms = List.copyOf(terms);
        if (response.isBlank()) {
            throw new IllegalArgumentException("the response must not be blank");
        }
        if (terms.size() > MAX_TERMS) {
            throw new IllegalArgumentException("a formula may have at most " + MAX_TERMS + " terms, this one has " + terms.size());
        }
        if (terms.isEmpty() && !intercept) {
            throw new IllegalArgumentException("the model has no terms and no intercept");
        }
        Set<Set<String>> seen = new LinkedHashSet<>();
        for (Term t : terms) {
            if (t.variables().contains(response)) {
                throw new IllegalArgumentException("the response '" + response + "' must not be among the predictors (term " + t + ")");
            }
            if (!seen.add(Set.copyOf(t.variables()))) {
                throw new IllegalArgumentException("the term " + t + " appears more than once");
            }
        }
    }

    /** The predictor variables in order of first appearance (without the response). */
    public List<String> predictors() {
        LinkedHashSet<String> vars = new LinkedHashSet<>();
        for (Term t : terms) {
            vars.addAll(t.variables());
        }
        return List.copyOf(vars);
    }

    /** All model variables: the response, then the predictors. */
    public List<String> variables() {
        List<String> all = new ArrayList<>();
        all.add(response);
        all.addAll(predictors());
        return List.copyOf(all);
    }

    /** The formula in R's notation, with the terms in R's order. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(response).append(" ~ ");
        List<String> parts = new ArrayList<>();
        for (Term t : terms) {
            parts.add(t.label());
        }
        if (!intercept) {
            parts.add(terms.isEmpty() ? "0" : "- 1");
        }
        if (parts.isEmpty()) {
            parts.add("1");
        }
        return sb.append(String.join(" + ", parts).replace("+ - 1", "- 1")).toString();
    }

    /**
     * Parses a formula.
     *
     * @throws IllegalArgumentException with the position (1-based character) and what was expected, on a syntax
     *     error; or on a duplicate term, the response among the predictors, or more than {@link #MAX_TERMS} terms
     */
    public static Formula parse(String text) {
        Objects.requireNonNull(text, "formula");
        return new Parser(text).parse();
    }

    private static final class Parser {
        private final String s;
        private int pos;
        /** Variables in order of first appearance, the response first. */
        private final Map<String, Integer> order = new LinkedHashMap<>();

        Parser(String s) {
            this.s = s;
        }

        Formula parse() {
            skipWs();
            String response = name("the response variable");
            order.put(response, 0);
            skipWs();
            expect('~');
            boolean intercept = true;
            List<Set<String>> terms = new ArrayList<>();
            boolean first = true;
            while (true) {
                skipWs();
                char sign = '+';
                if (first) {
                    if (peek() == '-' || peek() == '+') {
                        sign = s.charAt(pos++);
                        skipWs();
                    }
                } else {
                    if (atEnd()) {
                        break;
                    }
                    if (peek() != '+' && peek() != '-') {
                        throw error("'+', '-', '*' or ':'");
                    }
                    sign = s.charAt(pos++);
                    skipWs();
                }
                first = false;
                int start = pos;
                if (peek() == '0' || peek() == '1') {
                    char digit = s.charAt(pos++);
                    if (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                        pos = start;
                        throw error("a variable name (names cannot start with a digit)");
                    }
                    if (digit == '1') {
                        intercept = sign == '+';
                    } else if (sign == '+') {
                        intercept = false;
                    } else {
                        pos = start;
                        throw error("'1' after '-' ('- 0' is not supported)");
                    }
                    continue;
                }
                List<Set<String>> product = product();
                if (sign == '-') {
                    pos = start;
                    throw error("'1' after '-' (only the intercept can be removed)");
                }
                for (Set<String> t : product) {
                    if (terms.contains(t)) {
                        throw new IllegalArgumentException("the term " + String.join(":", sorted(t))
                                + " appears more than once in '" + s + "'");
                    }
                    terms.add(t);
                }
            }
            if (terms.size() > MAX_TERMS) {
                throw new IllegalArgumentException(
                        "a formula may have at most " + MAX_TERMS + " terms, '" + s + "' has " + terms.size());
            }
            List<Term> result = new ArrayList<>();
            for (Set<String> t : terms) {
                result.add(new Term(sorted(t)));
            }
            result.sort(Comparator.comparingInt(Term::order)); // stable: appearance within an order
            return new Formula(response, result, intercept);
        }

        private List<String> sorted(Set<String> t) {
            List<String> vars = new ArrayList<>(t);
            vars.sort(Comparator.comparingInt(order::get));
            return vars;
        }

        /** product := interaction ('*' interaction)* */
        private List<Set<String>> product() {
            List<Set<String>> left = interaction();
            skipWs();
            while (peek() == '*') {
                pos++;
                skipWs();
                List<Set<String>> right = interaction();
                List<Set<String>> all = new ArrayList<>();
                addAll(all, left);
                addAll(all, right);
                addAll(all, cross(left, right));
                left = all;
                skipWs();
            }
            return left;
        }

        /** interaction := atom (':' atom)* */
        private List<Set<String>> interaction() {
            List<Set<String>> left = atom();
            skipWs();
            while (peek() == ':') {
                pos++;
                skipWs();
                left = cross(left, atom());
                skipWs();
            }
            return left;
        }

        /** atom := name | '(' sum ')' */
        private List<Set<String>> atom() {
            skipWs();
            if (peek() == '(') {
                pos++;
                List<Set<String>> terms = new ArrayList<>();
                while (true) {
                    skipWs();
                    addAll(terms, product());
                    skipWs();
                    if (peek() == '+') {
                        pos++;
                    } else if (peek() == ')') {
                        pos++;
                        return terms;
                    } else {
                        throw error("'+', '*', ':' or ')'");
                    }
                }
            }
            int start = pos;
            String name = name("a variable name or '('");
            if (order.containsKey(name) && order.get(name) == 0) {
                pos = start;
                throw new IllegalArgumentException("the response '" + name + "' must not be among the predictors (at position "
                        + (start + 1) + " in '" + s + "')");
            }
            order.putIfAbsent(name, order.size());
            Set<String> t = new LinkedHashSet<>();
            t.add(name);
            List<Set<String>> one = new ArrayList<>();
            one.add(t);
            return one;
        }

        private List<Set<String>> cross(List<Set<String>> left, List<Set<String>> right) {
            List<Set<String>> out = new ArrayList<>();
            for (Set<String> a : left) {
                for (Set<String> b : right) {
                    Set<String> t = new LinkedHashSet<>(a);
                    for (String v : b) {
                        if (!t.add(v)) {
                            throw new IllegalArgumentException("the variable '" + v
                                    + "' is interacted with itself in '" + s + "'");
                        }
                    }
                    out.add(t);
                }
            }
            return out;
        }

        private void addAll(List<Set<String>> into, List<Set<String>> terms) {
            for (Set<String> t : terms) {
                if (into.contains(t)) {
                    throw new IllegalArgumentException("the term " + String.join(":", sorted(t))
                            + " appears more than once in '" + s + "'");
                }
                into.add(t);
            }
        }

        private String name(String expected) {
            if (atEnd()) {
                throw error(expected);
            }
            char c = peek();
            if (c == '`') {
                int end = s.indexOf('`', pos + 1);
                if (end < 0) {
                    throw error("a closing '`'");
                }
                String name = s.substring(pos + 1, end);
                if (name.isBlank()) {
                    throw error("a non-empty name between backquotes");
                }
                pos = end + 1;
                return name;
            }
            if (!(Character.isLetter(c) || c == '.')) {
                throw error(expected);
            }
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.' || s.charAt(pos) == '_')) {
                pos++;
            }
            String name = s.substring(start, pos);
            if (name.equals(".")) {
                pos = start;
                throw error("a variable name ('.' for all variables is not supported)");
            }
            return name;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("'" + c + "'");
            }
            pos++;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private boolean atEnd() {
            return pos >= s.length();
        }

        private void skipWs() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private IllegalArgumentException error(String expected) {
            String found = atEnd() ? "the end of the formula" : "'" + s.charAt(pos) + "'";
            return new IllegalArgumentException("formula syntax error at position " + (pos + 1) + ": expected " + expected
                    + " but found " + found + " in '" + s + "'");
        }
    }
}
