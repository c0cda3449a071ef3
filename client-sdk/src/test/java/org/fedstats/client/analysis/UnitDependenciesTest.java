package org.fedstats.client.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.fedstats.client.Analyses;
import org.junit.jupiter.api.Test;

/**
 * The units depend on this package's interface only (not on the SDK core, the CLI or one another), and this package
 * on none of them, so that the core may use them through the registry without a package cycle (checked by jdeps on
 * the compiled classes).
 */
class UnitDependenciesTest {
  private static final String CLIENT = "org.fedstats.client";
  private static final String SPI = CLIENT + ".analysis";

  /** Package to the packages of org.fedstats.client it uses (itself left out). */
  private static Map<String, Set<String>> packageDependencies() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package",
        "-filter:package", "-e", "org\\.fedstats\\.client.*", Path.of("target", "classes").toString());
    assertThat(status).as(out.toString()).isZero();
    Map<String, Set<String>> deps = new TreeMap<>();
    for (String line : out.toString().lines().toList()) {
      List<String> words = List.of(line.strip().split("\\s+"));
      if (words.size() >= 3 && words.get(0).startsWith(CLIENT) && words.get(1).equals("->")) {
        deps.computeIfAbsent(words.get(0), k -> new TreeSet<>()).add(words.get(2));
      }
    }
    return deps;
  }

  @Test
  void unitsUseOnlyTheInterfaceAndTheInterfaceNoUnit() {
    Map<String, Set<String>> deps = packageDependencies();
    List<String> units = Analyses.all().stream().map(u -> u.command().getPackageName()).distinct().toList();
    assertThat(units).hasSizeGreaterThanOrEqualTo(4).allSatisfy(unit -> assertThat(unit).startsWith(SPI + "."));
    for (String unit : units) {
      assertThat(deps.getOrDefault(unit, Set.of())).as(unit).containsOnly(SPI);
    }
    assertThat(deps.getOrDefault(SPI, Set.of())).as(SPI).isEmpty();
    assertThat(deps.get(CLIENT)).as("the core").contains(SPI).doesNotContain(CLIENT + ".cli");
  }
}
