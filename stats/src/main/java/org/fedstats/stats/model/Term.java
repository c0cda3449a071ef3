package org.fedstats.stats.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One term of a model formula: a main effect (one variable) or an interaction (several distinct variables).
 *
 * @param variables the variables of the term, in the order of their first appearance in the formula
 */
public record Term(List<String> variables) {
    public Term {
        Objects.requireNonNull(variables, "variables");
        variables = List.copyOf(variables);
        if (variables.isEmpty()) {
            throw new IllegalArgumentException("a term needs at least one variable");
        }
        if (new HashSet<>(variables).size() != variables.size()) {
            throw new IllegalArgumentException("a variable appears more than once in the term " + String.join(":", variables));
        }
    }

    /** The number of variables (1 for a main effect). */
    public int order() {
        return variables.size();
    }

    /** R's label of the term, e.g. {@code rx:age}. */
    public String label() {
        return String.join(":", variables);
    }

    @Override
    public String toString() {
        return label();
    }
}
