package org.fedstats.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Node configurations for the benchmarks: one colon site of the demo data, a few integer variables. */
final class BenchNodes {
  private BenchNodes() {}

  /** The demo's site data, {@code deploy/demo/data}; the benchmarks run from the project root. */
  static Path demoData() {
    Path data = Path.of("deploy/demo/data").toAbsolutePath();
    if (!Files.isDirectory(data)) {
      throw new IllegalStateException("run from the project root: " + data + " not found");
    }
    return data;
  }

  /**
   * Writes {@code work/site<n>.yaml}: node site{@code n} on any free loopback port, holding colon_site{@code n}.csv
   * from {@code data} with the given integer variables; returns the file.
   */
  static Path colonConfig(Path work, int site, Path data, String... integerVariables) throws IOException {
    return colonConfig(work, site, "files: [\"" + data.resolve("colon_site" + site + ".csv") + "\"]", "count",
        integerVariables);
  }

  /**
   * Writes {@code work/site<n>.yaml}: node site{@code n} on any free loopback port, holding colon from
   * {@code source} (the YAML of its files or jdbc key) with the given analyses and integer variables.
   */
  static Path colonConfig(Path work, int site, String source, String analyses, String... integerVariables)
      throws IOException {
    Path config = work.resolve("site" + site + ".yaml");
    String variables = Arrays.stream(integerVariables)
        .map(v -> "          - {name: " + v + ", type: integer}\n").collect(Collectors.joining());
    Files.writeString(config, """
        node-id: site%d
        listen: 127.0.0.1:0
        insecure: true
        audit-log: audit-site%d.jsonl
        datasets:
          - name: colon
            %s
            analyses: [%s]
            variables:
        """.formatted(site, site, source, analyses) + variables);
    return config;
  }
}
