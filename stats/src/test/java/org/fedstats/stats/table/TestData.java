package org.fedstats.stats.table;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Test helper for the pooling packages: the demo site files the project ships ({@code deploy/demo/data}) read by a
 * small CSV reader, and R's reference values on the pooled data ({@code ../shared/datasets}).
 */
public final class TestData {

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
            System.err.println("skipping: R reference values not found at " + file);
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
}
