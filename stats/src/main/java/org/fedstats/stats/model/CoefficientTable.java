package org.fedstats.stats.model;

import java.util.List;

/**
 * A fitted model's coefficients by design column: their names, estimates and standard errors, in the same order,
 * and each one's estimate or standard error looked up by name.
 */
public interface CoefficientTable {

    /** {@return the design column names} */
    List<String> columns();

    /** {@return the estimates, one per column} */
    List<Double> estimates();

    /** {@return the standard errors, one per column} */
    List<Double> stdErrors();

    /**
     * The estimate of a named column.
     *
     * @throws IllegalArgumentException if the model has no such column
     */
    default double estimate(String column) {
        return estimates().get(indexOf(column));
    }

    /**
     * The standard error of a named column.
     *
     * @throws IllegalArgumentException if the model has no such column
     */
    default double stdError(String column) {
        return stdErrors().get(indexOf(column));
    }

    /**
     * The position of a named column.
     *
     * @throws IllegalArgumentException if the model has no such column
     */
    default int indexOf(String column) {
        int i = columns().indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + column + "' in " + columns());
        }
        return i;
    }
}
