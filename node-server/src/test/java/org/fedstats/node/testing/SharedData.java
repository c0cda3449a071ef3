package org.fedstats.node.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;

/**
 * Test data. The site files are the ones the project ships for its demo (deploy/demo/data: real public datasets
 * split into three sites), so every test that only needs data runs on a fresh clone. Reference values computed by R
 * on the pooled data come from outside the project, ../shared/datasets beside the project root (or the
 * {@code fedstats.shared.datasets} property); only tests that compare against them are skipped when that folder is
 * absent, with a line on the console saying so.
 */
public final class SharedData {
  private static final AtomicBoolean SKIP_ANNOUNCED = new AtomicBoolean();

  private SharedData() {}

  /** The folder of site files the project ships. */
  public static Path dir() {
    String configured = System.getProperty("fedstats.demo.data");
    Path dir = configured != null ? Path.of(configured) : projectRoot().resolve("deploy/demo/data");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("the project's site data is missing: " + dir);
    }
    return dir.toAbsolutePath().normalize();
  }

  private static Path projectRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("not inside the project (no mvnw above " + Path.of("").toAbsolutePath() + ")");
  }

  /** The folder of R's reference values; skips the calling test, visibly, if it is absent. */
  public static Path referenceDir() {
    String configured = System.getProperty("fedstats.shared.datasets");
    Path dir = configured != null ? Path.of(configured) : projectRoot().resolveSibling("shared").resolve("datasets");
    boolean present = Files.isDirectory(dir);
    if (!present && SKIP_ANNOUNCED.compareAndSet(false, true)) {
      System.err.println("SKIPPED: tests against R's reference values: " + dir.toAbsolutePath().normalize()
          + " not found (expected ../shared/datasets beside the project root, or -Dfedstats.shared.datasets=...)");
    }
    assumeTrue(present, "R reference values not found at " + dir + "; skipping");
    return dir.toAbsolutePath().normalize();
  }

  /**
   * Records a measured agreement with R (or any figure a test measures) in target/agreement-with-R.txt of the
   * module under test, instead of the build log, which stays quiet.
   */
  public static synchronized void report(String line) {
    try {
      Path file = Path.of("target", "agreement-with-R.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(file, line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** R's reference values for a dataset, computed on the pooled data. */
  public static JsonNode reference(String dataset) {
    try {
      return new ObjectMapper().readTree(referenceDir().resolve(dataset + "_reference.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The quoted file list of one site's file, or of all three sites' files for site 0 (the pooled data). */
  private static String files(String dataset, int site) {
    List<Integer> sites = site == 0 ? List.of(1, 2, 3) : List.of(site);
    return sites.stream().map(i -> "\"" + dir().resolve(dataset + "_site" + i + ".csv") + "\"")
        .collect(Collectors.joining(", "));
  }

  /** Where a test's nodes read the site data from: the shipped files (into DuckDB), or PostgreSQL tables. */
  public enum Storage {
    FILES,
    /** The tables deploy/postgres/load-demo-tables.sh loads, at {@link PostgresSettings}; skips without them. */
    POSTGRES;

    /** The YAML source line(s) of one site's data of {@code dataset} (or all sites', site 0, files only). */
    String source(String dataset, int site) {
      if (this == FILES) {
        return "files: [" + files(dataset, site) + "]";
      }
      if (site == 0) {
        throw new IllegalArgumentException("the PostgreSQL tables hold one site each");
      }
      PostgresSettings pg = PostgresSettings.require();
      return "jdbc: {url: '" + pg.url() + "', table: " + dataset + "_site" + site + ", user: " + pg.user()
          + ", password-env: " + PostgresSettings.PASSWORD_ENV + ", row-id: row_id}";
    }
  }

  /**
   * YAML declaring the colon dataset of one site file (or all three sites' files, site 0). The patient id is
   * declared an identifier, as a site declares it: no request can use it.
   */
  public static String colonDataset(int site, String analyses, String disclosure) {
    return colonDataset(Storage.FILES, site, analyses, disclosure);
  }

  /** The colon dataset of one site, read from {@code storage}. */
  public static String colonDataset(Storage storage, int site, String analyses, String disclosure) {
    String file = storage.source("colon", site);
    return """
          - name: colon
            description: survival::colon, death records
            %s
            analyses: [%s]
            disclosure: {%s}
            variables:
              - {name: id, type: identifier}
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

  /** YAML declaring the infert dataset of one site file (or all three sites' files, site 0). */
  public static String infertDataset(int site, String analyses, String disclosure) {
    return infertDataset(Storage.FILES, site, analyses, disclosure);
  }

  /** The infert dataset of one site, read from {@code storage}. */
  public static String infertDataset(Storage storage, int site, String analyses, String disclosure) {
    String file = storage.source("infert", site);
    return """
          - name: infert
            %s
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

  /**
   * Writes a node configuration (listening on any free loopback port, plaintext: {@code insecure: true}; a test that
   * wants mutual TLS gives the settings its files) and loads it like a real node would.
   */
  public static NodeSettings node(Path workDir, String nodeId, String... datasets) {
    String yaml = "node-id: " + nodeId + "\nlisten: 127.0.0.1:0\ninsecure: true\naudit-log: audit-" + nodeId + ".jsonl\n"
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
