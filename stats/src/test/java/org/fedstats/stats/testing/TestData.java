package org.fedstats.stats.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.fedstats.stats.model.Design;
import org.fedstats.stats.model.VariableKind;

/**
 * Test helper for the stats tests: the demo site files the project ships ({@code deploy/demo/data}) read by a small
 * CSV reader, R's reference values on the pooled data ({@code ../shared/datasets}), relative errors, and the report
 * file the measured agreement with R is written to ({@code target/agreement-with-R.txt}).
 */
public final class TestData {

    /** Whether the absent reference folder was already reported on stderr in this JVM. */
    private static boolean absenceReported;

    /** The report file of the measured agreement with R; each test JVM starts it afresh. */
    private static final Path REPORT = targetDir().resolve("agreement-with-R.txt");

    static {
        try {
            Files.deleteIfExists(REPORT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestData() {
    }

    /** @return the project root: the first directory upwards from the working directory that holds {@code mvnw} */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /**
     * Reads one demo site file.
     *
     * @param dataset {@code colon} or {@code infert}
     * @param site 1, 2 or 3
     * @return its rows, each a map from column name to the field ({@code null} for an empty field)
     */
    public static List<Map<String, String>> site(String dataset, int site) {
        return readCsv(projectRoot().resolve("deploy/demo/data/" + dataset + "_site" + site + ".csv"));
    }

    /**
     * @param dataset {@code colon} or {@code infert}
     * @return the rows of the three sites, one list per site
     */
    public static List<List<Map<String, String>>> sites(String dataset) {
        return List.of(site(dataset, 1), site(dataset, 2), site(dataset, 3));
    }

    /**
     * R's reference values for a dataset; skips the calling test (with a line on stderr) when they are absent.
     *
     * @param dataset {@code colon} or {@code infert}
     * @return the parsed JSON
     */
    public static JsonNode reference(String dataset) {
        String dir = System.getProperty("fedstats.shared.datasets");
        Path file = dir != null ? Path.of(dir, dataset + "_reference.json")
                : projectRoot().resolve("../shared/datasets/" + dataset + "_reference.json").normalize();
        if (!Files.isRegularFile(file)) {
            reportAbsence(file);
        }
        assumeTrue(Files.isRegularFile(file), "R reference values absent: " + file);
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A minimal CSV reader: a header line, comma separators, double-quoted fields with {@code ""} escapes, empty
     * fields read as {@code null}.
     *
     * @param file the file
     * @return its rows
     */
    public static List<Map<String, String>> readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> header = parseLine(lines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = parseLine(line);
            if (fields.size() != header.size()) {
                throw new IllegalStateException("bad line in " + file + ": " + line);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), fields.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * @param row a row
     * @param column a numeric column
     * @return its value, or NaN when missing
     */
    public static double number(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }

    private static List<String> parseLine(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                out.add(field.isEmpty() && !wasQuoted ? null : field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        out.add(field.isEmpty() && !wasQuoted ? null : field.toString());
        return out;
    }

    /** One line on stderr per JVM: the R comparisons are skipped, not passed. */
    private static synchronized void reportAbsence(Path file) {
        if (!absenceReported) {
            absenceReported = true;
            System.err.println("skipping the comparisons with R: reference values not found at " + file);
        }
    }

    /**
     * Appends a line to {@code target/agreement-with-R.txt} of this module.
     *
     * @param line the measured agreement, without line end
     */
    public static synchronized void report(String line) {
        try {
            Files.writeString(REPORT, line + System.lineSeparator(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the module's build folder: the parent of the folder the test classes were loaded from */
    private static Path targetDir() {
        try {
            return Path.of(TestData.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A CSV row's values typed by the design's kinds: numbers for numeric variables, strings for categorical.
     *
     * @param design the design
     * @param row a row
     * @return variable → value ({@code null} when missing)
     */
    public static Map<String, Object> typed(Design design, Map<String, String> row) {
        Map<String, Object> out = new HashMap<>();
        for (String v : design.variables()) {
            String s = row.get(v);
            if (s == null) {
                out.put(v, null);
            } else if (design.kind(v) instanceof VariableKind.Numeric) {
                out.put(v, Double.parseDouble(s));
            } else {
                out.put(v, s);
            }
        }
        return out;
    }

    /** @return colon's variable kinds (rx categorical with Obs as reference, the rest numeric) */
    public static Map<String, VariableKind> colonKinds() {
        return kinds(List.of("id", "sex", "age", "obstruct", "perfor", "adhere", "nodes", "differ", "extent", "surg",
                "node4", "time", "status"), "rx", VariableKind.categorical("Obs", "Lev", "Lev+5FU"));
    }

    /** @return infert's variable kinds (education categorical, the rest numeric) */
    public static Map<String, VariableKind> infertKinds() {
        return kinds(List.of("age", "parity", "induced", "case", "spontaneous", "stratum", "pooled.stratum"),
                "education", VariableKind.categorical("0-5yrs", "6-11yrs", "12+ yrs"));
    }

    private static Map<String, VariableKind> kinds(List<String> numeric, String categorical, VariableKind kind) {
        Map<String, VariableKind> k = new HashMap<>();
        for (String v : numeric) {
            k.put(v, VariableKind.numeric());
        }
        k.put(categorical, kind);
        return k;
    }

    /**
     * @param actual the values
     * @param expected the reference values, a JSON array as long
     * @return the largest relative error |a − e| / |e| over the pairs
     */
    public static double maxRelError(List<Double> actual, JsonNode expected) {
        double max = 0;
        for (int i = 0; i < actual.size(); i++) {
            max = Math.max(max, relError(actual.get(i), expected.get(i).asDouble()));
        }
        return max;
    }

    /**
     * @param actual a value
     * @param expected its reference
     * @return |a − e| / |e|
     */
    public static double relError(double actual, double expected) {
        return Math.abs(actual - expected) / Math.abs(expected);
    }
}
