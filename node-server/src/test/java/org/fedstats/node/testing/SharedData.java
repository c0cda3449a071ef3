package org.fedstats.node.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;

/**
 * The shared datasets (real data split into sites, with reference values computed by R on the pooled data), found
 * at ../shared/datasets from the project root. Tests that need them are skipped, with a message, only when that
 * folder is absent.
 */
public final class SharedData {
  private SharedData() {}

  /** The shared datasets folder; skips the calling test if it is absent. */
  public static Path dir() {
    String configured = System.getProperty("fedstats.shared.datasets");
    Path dir = configured != null ? Path.of(configured) : locate();
    assumeTrue(dir != null && Files.isDirectory(dir),
        "shared datasets not found at " + dir + " (expected ../shared/datasets beside the project root); skipping");
    return dir.toAbsolutePath().normalize();
  }

  private static Path locate() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path candidate = p.resolveSibling("shared").resolve("datasets");
      if (Files.exists(p.resolve("mvnw")) && Files.isDirectory(candidate)) {
        return candidate;
      }
      p = p.getParent();
    }
    return null;
  }

  public static JsonNode reference(String dataset) {
    try {
      return new ObjectMapper().readTree(dir().resolve(dataset + "_reference.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** YAML declaring the colon dataset of one site file (or the pooled file, site 0). */
  public static String colonDataset(int site, String analyses, String disclosure) {
    String file = dir().resolve(site == 0 ? "colon_pooled.csv" : "colon_site" + site + ".csv").toString();
    return """
          - name: colon
            description: survival::colon, death records
            files: ["%s"]
            analyses: [%s]
            disclosure: {%s}
            variables:
              - {name: id, type: integer}
              - {name: rx, type: categorical, levels: [Obs, Lev, Lev+5FU]}
              - {name: sex, type: integer}
              - {name: age, type: integer}
              - {name: obstruct, type: integer}
              - {name: nodes, type: integer}
              - {name: differ, type: integer}
              - {name: time, type: numeric}
              - {name: status, type: integer}
        """.formatted(file, analyses, disclosure);
  }

  /** YAML declaring the infert dataset of one site file (or the pooled file, site 0). */
  public static String infertDataset(int site, String analyses, String disclosure) {
    String file = dir().resolve(site == 0 ? "infert_pooled.csv" : "infert_site" + site + ".csv").toString();
    return """
          - name: infert
            files: ["%s"]
            analyses: [%s]
            disclosure: {%s}
            variables:
              - {name: education, type: categorical, levels: [0-5yrs, 6-11yrs, 12+ yrs]}
              - {name: age, type: integer}
              - {name: parity, type: integer}
              - {name: induced, type: integer}
              - {name: case, type: integer}
              - {name: spontaneous, type: integer}
        """.formatted(file, analyses, disclosure);
  }

  /** Writes a node configuration (listening on any free loopback port) and loads it like a real node would. */
  public static NodeSettings node(Path workDir, String nodeId, String... datasets) {
    String yaml = "node-id: " + nodeId + "\nlisten: 127.0.0.1:0\naudit-log: audit-" + nodeId + ".jsonl\n"
        + "datasets:\n" + String.join("", datasets);
    try {
      Files.createDirectories(workDir);
      Path file = workDir.resolve(nodeId + ".yaml");
      Files.writeString(file, yaml);
      return NodeConfigLoader.load(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every analysis, with the node's default disclosure thresholds. */
  public static final String ALL = "count, summary, table, histogram";
}
