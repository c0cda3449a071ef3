package org.fedstats.stats.model;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** What kind of values a model variable holds: numbers, or one of a declared, ordered list of levels. */
public sealed interface VariableKind permits VariableKind.Numeric, VariableKind.Categorical {

    /** A numeric variable: one design column per term it appears in. */
    record Numeric() implements VariableKind {
    }

    /**
     * A categorical variable with its levels in declared order; the first level is the reference of the treatment
     * contrasts (as the first level of an R factor).
     *
     * @param levels the distinct, non-blank levels, at least two
     */
    record Categorical(List<String> levels) implements VariableKind {
        public Categorical {
            Objects.requireNonNull(levels, "levels");
            levels = List.copyOf(levels);
            if (levels.size() < 2) {
                throw new IllegalArgumentException("a categorical variable needs at least two levels, got " + levels);
            }
            if (new HashSet<>(levels).size() != levels.size()) {
                throw new IllegalArgumentException("levels must be distinct, got " + levels);
            }
            for (String level : levels) {
                if (level.isBlank()) {
                    throw new IllegalArgumentException("a level must not be blank");
                }
            }
        }

        /** The index of a level in declared order, or -1. */
        public int indexOf(String level) {
            return levels.indexOf(level);
        }
    }

    /** A numeric variable. */
    static VariableKind numeric() {
        return new Numeric();
    }

    /** A categorical variable with these levels; the first is the reference. */
    static VariableKind categorical(String... levels) {
        return new Categorical(List.of(levels));
    }
}
