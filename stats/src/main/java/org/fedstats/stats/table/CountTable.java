package org.fedstats.stats.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An r×c table of counts with labelled rows and columns: what a site shares for a cross-tabulation, and what the
 * coordinator pools by adding the sites' tables cell by cell, matching cells by their labels.
 *
 * @param rowLabels the row levels, distinct and non-null
 * @param columnLabels the column levels, distinct and non-null
 * @param counts {@code counts[i][j]}: number of rows with level i of the row variable and j of the column variable;
 *               non-negative; copied
 */
public record CountTable(List<String> rowLabels, List<String> columnLabels, long[][] counts) {

    /** Validates the shape, the labels and that no count is negative; copies everything. */
    public CountTable {
        rowLabels = List.copyOf(rowLabels);
        columnLabels = List.copyOf(columnLabels);
        if (new HashSet<>(rowLabels).size() != rowLabels.size()
                || new HashSet<>(columnLabels).size() != columnLabels.size()) {
            throw new IllegalArgumentException("labels must be distinct: " + rowLabels + " " + columnLabels);
        }
        if (counts.length != rowLabels.size()) {
            throw new IllegalArgumentException("one row of counts per row label is needed");
        }
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i].length != columnLabels.size()) {
                throw new IllegalArgumentException("row " + i + " needs one count per column label");
            }
            copy[i] = counts[i].clone();
            for (long c : copy[i]) {
                if (c < 0) {
                    throw new IllegalArgumentException("counts must not be negative: " + c);
                }
            }
        }
        counts = copy;
    }

    /**
     * An unlabelled table; rows and columns are labelled {@code "1"}, {@code "2"}, … .
     *
     * @param counts the counts, rectangular and non-negative
     * @return the table
     */
    public static CountTable of(long[][] counts) {
        if (counts.length == 0) {
            throw new IllegalArgumentException("a table needs at least one row");
        }
        return new CountTable(indexLabels(counts.length), indexLabels(counts[0].length), counts);
    }

    /**
     * Node side: cross-tabulates paired values, leaving out pairs where either value is missing ({@code null}), as
     * R's {@code table(x, y)} does. Levels are sorted in {@link String} order (R sorts a character vector's levels;
     * they agree for ASCII labels in the C locale).
     *
     * @param rowValues the row variable, one value per data row
     * @param columnValues the column variable, same length
     * @return the table of the levels seen
     */
    public static CountTable tabulate(List<String> rowValues, List<String> columnValues) {
        if (rowValues.size() != columnValues.size()) {
            throw new IllegalArgumentException("the two variables need the same number of values");
        }
        TreeSet<String> rows = new TreeSet<>();
        TreeSet<String> cols = new TreeSet<>();
        for (int i = 0; i < rowValues.size(); i++) {
            if (rowValues.get(i) != null && columnValues.get(i) != null) {
                rows.add(rowValues.get(i));
                cols.add(columnValues.get(i));
            }
        }
        List<String> r = new ArrayList<>(rows);
        List<String> c = new ArrayList<>(cols);
        long[][] n = new long[r.size()][c.size()];
        for (int i = 0; i < rowValues.size(); i++) {
            if (rowValues.get(i) != null && columnValues.get(i) != null) {
                n[r.indexOf(rowValues.get(i))][c.indexOf(columnValues.get(i))]++;
            }
        }
        return new CountTable(r, c, n);
    }

    /**
     * Coordinator side: the sum of two sites' tables. Cells are matched by label; a level one site lacks counts 0
     * there. Levels keep this table's order, followed by the other's new levels in its order.
     *
     * @param other another site's table of the same two variables
     * @return the pooled table
     */
    public CountTable plus(CountTable other) {
        List<String> r = union(rowLabels, other.rowLabels);
        List<String> c = union(columnLabels, other.columnLabels);
        long[][] n = new long[r.size()][c.size()];
        for (CountTable t : List.of(this, other)) {
            for (int i = 0; i < t.rowLabels.size(); i++) {
                int ri = r.indexOf(t.rowLabels.get(i));
                for (int j = 0; j < t.columnLabels.size(); j++) {
                    int cj = c.indexOf(t.columnLabels.get(j));
                    n[ri][cj] = Math.addExact(n[ri][cj], t.counts[i][j]);
                }
            }
        }
        return new CountTable(r, c, n);
    }

    /**
     * Coordinator side: the sum of all sites' tables (see {@link #plus(CountTable)}).
     *
     * @param tables the sites' tables; at least one
     * @return the pooled table
     */
    public static CountTable pool(List<CountTable> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("at least one table is needed");
        }
        CountTable sum = tables.get(0);
        for (CountTable t : tables.subList(1, tables.size())) {
            sum = sum.plus(t);
        }
        return sum;
    }

    /** {@return a copy of the counts} */
    @Override
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    /**
     * One cell, by its labels.
     *
     * @param row row label
     * @param column column label
     * @return the count of that cell, 0 for a level the table does not have
     */
    public long count(String row, String column) {
        int i = rowLabels.indexOf(row);
        int j = columnLabels.indexOf(column);
        return i < 0 || j < 0 ? 0 : counts[i][j];
    }

    /** {@return the sum of all counts} */
    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long c : row) {
                n = Math.addExact(n, c);
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CountTable t && rowLabels.equals(t.rowLabels) && columnLabels.equals(t.columnLabels)
                && Arrays.deepEquals(counts, t.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rowLabels, columnLabels, Arrays.deepHashCode(counts));
    }

    @Override
    public String toString() {
        return "CountTable[rows=" + rowLabels + ", columns=" + columnLabels + ", counts="
                + Arrays.deepToString(counts) + "]";
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String s : b) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<String> indexLabels(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }
}
