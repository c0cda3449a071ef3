package org.fedstats.stats.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The design of a model: the columns of its model matrix, with R's names and in R's order (treatment contrasts, the
 * first declared level as the reference), and how one row of variable values becomes one row of design columns.
 *
 * <p>Coding follows R's {@code model.matrix}: a categorical variable in a term is coded by contrasts (one column per
 * non-reference level) when the term without that variable is in the model before it (the intercept standing for the
 * empty term), and by indicators of all levels otherwise (e.g. {@code y ~ rx - 1}, or {@code y ~ age + age:rx}). The
 * columns of an interaction are all products of its variables' columns, the first variable varying fastest, named by
 * joining the names with {@code :} (e.g. {@code rxLev:age}).
 *
 * <p>The response may be numeric or categorical with exactly two levels (for binomial models: the first level is 0,
 * the second 1, as R's factor response).
 */
public final class Design {

    /** The name of the intercept column, as R's. */
    public static final String INTERCEPT = "(Intercept)";

    private final Formula formula;
    private final Map<String, VariableKind> kinds;
    private final List<String> columns;
    /** Per term, per variable, whether the categorical variable is coded with all levels (else contrasts). */
    private final List<boolean[]> fullCoding;

    private Design(Formula formula, Map<String, VariableKind> kinds, List<String> columns, List<boolean[]> fullCoding) {
        this.formula = formula;
        this.kinds = kinds;
        this.columns = columns;
        this.fullCoding = fullCoding;
    }

    /**
     * The design of a formula given each model variable's kind.
     *
     * @param kinds the kind of every variable of the formula (the response included); others are ignored
     * @throws IllegalArgumentException when a variable's kind is missing or the response is categorical with more than
     *     two levels
     */
    public static Design of(Formula formula, Map<String, VariableKind> kinds) {
        Objects.requireNonNull(formula, "formula");
        Objects.requireNonNull(kinds, "kinds");
        Map<String, VariableKind> used = new LinkedHashMap<>();
        for (String v : formula.variables()) {
            VariableKind k = kinds.get(v);
            if (k == null) {
                throw new IllegalArgumentException("no kind (numeric or categorical) declared for the variable '" + v + "'");
            }
            used.put(v, k);
        }
        if (used.get(formula.response()) instanceof VariableKind.Categorical c && c.levels().size() != 2) {
            throw new IllegalArgumentException("a categorical response needs exactly two levels, '" + formula.response()
                    + "' has " + c.levels());
        }
        List<String> columns = new ArrayList<>();
        List<boolean[]> coding = new ArrayList<>();
        if (formula.intercept()) {
            columns.add(INTERCEPT);
        }
        Set<Set<String>> previous = new HashSet<>();
        if (formula.intercept()) {
            previous.add(Set.of());
        }
        for (Term term : formula.terms()) {
            List<String> vars = term.variables();
            boolean[] full = new boolean[vars.size()];
            List<String> names = List.of("");
            for (int i = 0; i < vars.size(); i++) {
                String v = vars.get(i);
                Set<String> without = new HashSet<>(vars);
                without.remove(v);
                full[i] = used.get(v) instanceof VariableKind.Categorical && !previous.contains(without);
                List<String> own = variableColumns(v, used.get(v), full[i]);
                List<String> next = new ArrayList<>();
                for (String o : own) { // the later variable varies slowest
                    for (String n : names) {
                        next.add(n.isEmpty() ? o : n + ":" + o);
                    }
                }
                names = next;
            }
            columns.addAll(names);
            coding.add(full);
            previous.add(Set.copyOf(vars));
        }
        return new Design(formula, Map.copyOf(used), List.copyOf(columns), List.copyOf(coding));
    }

    private static List<String> variableColumns(String v, VariableKind kind, boolean full) {
        if (kind instanceof VariableKind.Categorical c) {
            List<String> out = new ArrayList<>();
            for (int l = full ? 0 : 1; l < c.levels().size(); l++) {
                out.add(v + c.levels().get(l));
            }
            return out;
        }
        return List.of(v);
    }

    /** The formula. */
    public Formula formula() {
        return formula;
    }

    /** The names of the design columns in R's order. */
    public List<String> columns() {
        return columns;
    }

    /** The number of design columns. */
    public int width() {
        return columns.size();
    }

    /** The variables each row must provide: the response, then the predictors in order of appearance. */
    public List<String> variables() {
        return formula.variables();
    }

    /** The declared kind of a model variable. */
    public VariableKind kind(String variable) {
        VariableKind k = kinds.get(variable);
        if (k == null) {
            throw new IllegalArgumentException("'" + variable + "' is not a variable of the model " + formula);
        }
        return k;
    }

    /**
     * Whether a row has a usable value for every model variable: a finite number for a numeric variable, a non-null
     * string for a categorical one. Incomplete rows are skipped by the caller (complete cases, as R's default).
     */
    public boolean isComplete(Map<String, ?> values) {
        for (String v : variables()) {
            Object value = values.get(v);
            if (value == null) {
                return false;
            }
            if (kinds.get(v) instanceof VariableKind.Numeric) {
                if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    return false;
                }
            } else if (!(value instanceof String)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One row of design columns from one complete row's values (numbers for numeric variables, level strings for
     * categorical ones).
     *
     * @throws IllegalArgumentException when a value is missing, of the wrong type or an undeclared level
     */
    public double[] row(Map<String, ?> values) {
        double[] out = new double[columns.size()];
        int c = 0;
        if (formula.intercept()) {
            out[c++] = 1.0;
        }
        for (int t = 0; t < formula.terms().size(); t++) {
            List<String> vars = formula.terms().get(t).variables();
            boolean[] full = fullCoding.get(t);
            double[] acc = {1.0};
            for (int i = 0; i < vars.size(); i++) {
                double[] own = variableValues(vars.get(i), values.get(vars.get(i)), full[i]);
                double[] next = new double[acc.length * own.length];
                int k = 0;
                for (double o : own) {
                    for (double a : acc) {
                        next[k++] = a * o;
                    }
                }
                acc = next;
            }
            System.arraycopy(acc, 0, out, c, acc.length);
            c += acc.length;
        }
        return out;
    }

    /**
     * The response value of a complete row: the number of a numeric response; 0 for the first and 1 for the second
     * level of a categorical response.
     */
    public double response(Map<String, ?> values) {
        String v = formula.response();
        Object value = values.get(v);
        if (kinds.get(v) instanceof VariableKind.Categorical c) {
            return levelIndex(v, c, value);
        }
        return number(v, value);
    }

    private double[] variableValues(String v, Object value, boolean full) {
        VariableKind kind = kinds.get(v);
        if (kind instanceof VariableKind.Categorical c) {
            int index = levelIndex(v, c, value);
            int first = full ? 0 : 1;
            double[] out = new double[c.levels().size() - first];
            if (index >= first) {
                out[index - first] = 1.0;
            }
            return out;
        }
        return new double[] {number(v, value)};
    }

    private static int levelIndex(String v, VariableKind.Categorical c, Object value) {
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("the categorical variable '" + v + "' needs a level string, got " + value);
        }
        int index = c.indexOf(s);
        if (index < 0) {
            throw new IllegalArgumentException("'" + s + "' is not a declared level of '" + v + "' " + c.levels());
        }
        return index;
    }

    private static double number(String v, Object value) {
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("the numeric variable '" + v + "' needs a finite number, got " + value);
        }
        return n.doubleValue();
    }

    /**
     * A row encoder for sites that stream many rows: values come in arrays in the order of {@code order} (which must
     * name every model variable; other names, such as weights, are ignored), numbers for numeric variables and level
     * indexes (in declared order) for categorical ones, and each row is written into a reused array. Equal to
     * {@link #row} and {@link #response}, without a map or an allocation per row.
     */
    public Encoder encoder(List<String> order) {
        return new Encoder(order);
    }

    /** See {@link #encoder}. Not thread-safe; one per reading thread. */
    public final class Encoder {
        private final int[][] termVariables;   // per term: positions in the value arrays
        private final int[][] termFirst;       // per term and variable: first coded level (0 full, 1 contrasts), -1 numeric
        private final int[][] termWidth;       // per term and variable: coded columns (1 for numeric)
        private final int[] termOffset;        // per term: its first column
        private final int[] termSize;          // per term: its number of columns
        private final int responseAt;
        private final boolean responseCategorical;

        private Encoder(List<String> order) {
            for (String v : variables()) {
                if (!order.contains(v)) {
                    throw new IllegalArgumentException("the encoder's order lacks the model variable '" + v + "'");
                }
            }
            int terms = formula.terms().size();
            termVariables = new int[terms][];
            termFirst = new int[terms][];
            termWidth = new int[terms][];
            termOffset = new int[terms];
            termSize = new int[terms];
            int c = formula.intercept() ? 1 : 0;
            for (int t = 0; t < terms; t++) {
                List<String> vars = formula.terms().get(t).variables();
                boolean[] full = fullCoding.get(t);
                termVariables[t] = new int[vars.size()];
                termFirst[t] = new int[vars.size()];
                termWidth[t] = new int[vars.size()];
                int size = 1;
                for (int i = 0; i < vars.size(); i++) {
                    termVariables[t][i] = order.indexOf(vars.get(i));
                    if (kinds.get(vars.get(i)) instanceof VariableKind.Categorical cat) {
                        termFirst[t][i] = full[i] ? 0 : 1;
                        termWidth[t][i] = cat.levels().size() - termFirst[t][i];
                    } else {
                        termFirst[t][i] = -1;
                        termWidth[t][i] = 1;
                    }
                    size *= termWidth[t][i];
                }
                termOffset[t] = c;
                termSize[t] = size;
                c += size;
            }
            responseAt = order.indexOf(formula.response());
            responseCategorical = kinds.get(formula.response()) instanceof VariableKind.Categorical;
        }

        /** Writes the design columns of one row into {@code out} (length {@link #width()}). */
        public void row(double[] numbers, int[] levels, double[] out) {
            if (formula.intercept()) {
                out[0] = 1.0;
            }
            for (int t = 0; t < termVariables.length; t++) {
                int offset = termOffset[t];
                java.util.Arrays.fill(out, offset, offset + termSize[t], 0.0);
                double value = 1.0;
                int position = 0;
                int stride = 1;
                boolean zero = false;
                for (int i = 0; i < termVariables[t].length; i++) {
                    int at = termVariables[t][i];
                    if (termFirst[t][i] < 0) {
                        value *= numbers[at];
                    } else {
                        int index = levels[at] - termFirst[t][i];
                        if (index < 0) {
                            zero = true;
                        } else {
                            position += index * stride;
                        }
                        stride *= termWidth[t][i];
                    }
                }
                if (!zero) {
                    out[offset + position] = value;
                }
            }
        }

        /** The response of one row: its number, or its level index (0 or 1) for a categorical response. */
        public double response(double[] numbers, int[] levels) {
            return responseCategorical ? levels[responseAt] : numbers[responseAt];
        }
    }

    @Override
    public String toString() {
        return "Design[" + formula + " -> " + columns + "]";
    }
}
