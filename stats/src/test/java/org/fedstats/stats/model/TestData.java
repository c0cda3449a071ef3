package org.fedstats.stats.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: the demo site files, a small CSV reader and R's reference values. */
public final class TestData {

    private TestData() {
    }

    /** The project root: the first folder up from the working directory that holds mvnw. */
    public static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** A site's rows of a demo dataset, as column → value (empty fields are null). */
    public static List<Map<String, String>> site(String dataset, int site) {
        return readCsv(projectRoot().resolve("deploy/demo/data/" + dataset + "_site" + site + ".csv"));
    }

    /** R's reference values for a dataset, or null when the shared datasets are absent. */
    public static JsonNode reference(String dataset) {
        String prop = System.getProperty("fedstats.shared.datasets");
        Path dir = prop != null ? Path.of(prop) : projectRoot().resolve("../shared/datasets");
        Path file = dir.resolve(dataset + "_reference.json");
        if (!Files.exists(file)) {
            System.err.println("skipping: R reference file " + file + " is absent");
            return null;
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a CSV file with a header; double-quoted fields; empty fields become null. */
    public static List<Map<String, String>> readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> header = split(lines.get(0));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = split(line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String f = i < fields.size() ? fields.get(i) : null;
                row.put(header.get(i), f == null || f.isEmpty() ? null : f);
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    sb.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    sb.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(c);
            }
        }
        out.add(sb.toString());
        return out;
    }

    /** A CSV row's values typed by the design's kinds: numbers for numeric variables, strings for categorical. */
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

    /** Colon's variable kinds (rx categorical with Obs as reference, the rest numeric). */
    public static Map<String, VariableKind> colonKinds() {
        Map<String, VariableKind> k = new HashMap<>();
        for (String v : List.of("id", "sex", "age", "obstruct", "perfor", "adhere", "nodes", "differ", "extent", "surg",
                "node4", "time", "status")) {
            k.put(v, VariableKind.numeric());
        }
        k.put("rx", VariableKind.categorical("Obs", "Lev", "Lev+5FU"));
        return k;
    }

    /** Infert's variable kinds (education categorical, the rest numeric). */
    public static Map<String, VariableKind> infertKinds() {
        Map<String, VariableKind> k = new HashMap<>();
        for (String v : List.of("age", "parity", "induced", "case", "spontaneous", "stratum", "pooled.stratum")) {
            k.put(v, VariableKind.numeric());
        }
        k.put("education", VariableKind.categorical("0-5yrs", "6-11yrs", "12+ yrs"));
        return k;
    }

    /** The largest relative error |a − e| / |e| over the pairs. */
    public static double maxRelError(List<Double> actual, JsonNode expected) {
        double max = 0;
        for (int i = 0; i < actual.size(); i++) {
            max = Math.max(max, relError(actual.get(i), expected.get(i).asDouble()));
        }
        return max;
    }

    /** |a − e| / |e|. */
    public static double relError(double actual, double expected) {
        return Math.abs(actual - expected) / Math.abs(expected);
    }
}
