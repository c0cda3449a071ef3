package org.fedstats.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The coordinator's packages, read from its sources: no cycles, and the analysis units apart from the federation. */
class PackageDependenciesTest {
  private static final Path SOURCES = Path.of("src/main/java/org/fedstats/coordinator");
  private static final Pattern REFERENCE = Pattern.compile("org\\.fedstats\\.coordinator((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");
  private static final String SPI = ".analysis";

  /** Package (relative to org.fedstats.coordinator, "" for itself) to the packages its sources name. */
  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
        String from = pkg.isEmpty() ? "" : "." + pkg;
        Set<String> to = graph.computeIfAbsent(from, p -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(Files.readString(file));
        while (m.find()) {
          if (!m.group(1).equals(from)) {
            to.add(m.group(1));
          }
        }
      }
    }
    return graph;
  }

  @Test
  void packagesHaveNoCycles() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      findCycle(graph, start, new ArrayList<>(List.of(start)), cycles);
    }
    assertThat(cycles).isEmpty();
  }

  private static void findCycle(Map<String, Set<String>> graph, String at, List<String> path, List<String> cycles) {
    for (String next : graph.getOrDefault(at, Set.of())) {
      if (next.equals(path.getFirst())) {
        cycles.add(String.join(" -> ", path) + " -> " + next);
      } else if (!path.contains(next) && next.compareTo(path.getFirst()) > 0) {
        path.add(next);
        findCycle(graph, next, path, cycles);
        path.removeLast();
      }
    }
  }

  @Test
  void theAnalysisInterfaceKnowsNeitherTheFederationNorTheUnits() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    assertThat(graph.get(SPI)).isEmpty();
    graph.forEach((pkg, uses) -> {
      if (pkg.startsWith(SPI + ".") && !pkg.equals(SPI + ".registry")) {
        assertThat(uses).as("unit %s", pkg).allMatch(u -> u.startsWith(SPI));
        assertThat(uses).as("unit %s", pkg).doesNotContain(SPI + ".registry");
      }
    });
    assertThat(graph.get(".federation")).doesNotContain(SPI + ".count", SPI + ".summary", SPI + ".table",
        SPI + ".histogram");
  }
}
