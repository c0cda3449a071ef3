package org.fedstats.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fedstats.common.config.Yaml;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.node.config.NodeConfig;
import org.fedstats.node.config.NodeConfigLoader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * deploy/README.md's configuration references against the keys the node and the coordinator read: every key their
 * configuration classes accept (as {@link Yaml#keys} lists them, the keys {@link Yaml#read} takes and no other) has
 * a row with its default, no row names a key they would refuse, and the reference's YAML examples load; the
 * example files of deploy/reference load with the node's and coordinator's loaders and name every key between them.
 */
class ConfigurationReferenceTest {
  private static final Path GUIDE = Path.of(System.getProperty("fedstats.source.tree"), "deploy", "README.md");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Path REFERENCE = GUIDE.resolveSibling("reference");

  @ParameterizedTest
  @CsvSource({"Node configuration reference, org.fedstats.node.config.NodeConfig",
      "Coordinator configuration reference, org.fedstats.coordinator.config.CoordinatorConfig"})
  void everyKeyTheLoaderTakesHasARowWithItsDefault(String heading, String type) throws Exception {
    Map<String, String> rows = rows(section(heading));
    List<String> keys = Yaml.keys(Class.forName(type));
    assertThat(keys).as("keys of %s", type).contains("audit-log", "tls.dir", "metrics-listen");

    Set<String> missing = new TreeSet<>(keys);
    missing.removeAll(rows.keySet());
    assertThat(missing).as("keys %s takes that \"%s\" in deploy/README.md lacks (add a row: key, default, meaning)",
        type, heading).isEmpty();

    List<String> unknown = new ArrayList<>();
    rows.forEach((key, defaultValue) -> {
      boolean isKeyOrSection = keys.stream().anyMatch(k -> k.equals(key) || k.startsWith(key + ".")
          || k.startsWith(key + "[]."));
      if (!isKeyOrSection) {
        unknown.add(key);
      }
      assertThat(defaultValue).as("the default of %s in \"%s\"", key, heading).isNotBlank();
    });
    assertThat(unknown).as("rows of \"%s\" naming no key %s takes", heading, type).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"Node configuration reference, node configuration",
      "Coordinator configuration reference, coordinator configuration"})
  void theReferencesExamplesAreConfigurationsTheLoaderReads(String heading, String what, @TempDir Path tmp)
      throws IOException {
    Class<?> type = what.startsWith("node") ? NodeConfig.class : CoordinatorConfig.class;
    Matcher block = Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(section(heading));
    int examples = 0;
    while (block.find()) {
      Path example = tmp.resolve("example-" + ++examples + ".yaml");
      Files.writeString(example, block.group(1));
      assertThatCode(() -> Yaml.read(example, type, what)).as("example %d of \"%s\":%n%s", examples, heading,
          block.group(1)).doesNotThrowAnyException();
    }
    assertThat(examples).as("YAML examples in \"%s\"", heading).isPositive();
  }

  @ParameterizedTest
  @CsvSource({"org.fedstats.node.config.NodeConfig, node",
      "org.fedstats.coordinator.config.CoordinatorConfig, coordinator"})
  void theReferenceFilesLoadAndNameEveryKey(String type, String component) throws Exception {
    List<String> written = new ArrayList<>();
    List<Path> files;
    try (var listing = Files.newDirectoryStream(REFERENCE, component + "*.yaml")) {
      files = new ArrayList<>();
      listing.forEach(files::add);
    }
    assertThat(files).as("%s*.yaml in %s", component, REFERENCE).isNotEmpty();
    for (Path file : files) {
      assertThatCode(() -> {
        if (type.endsWith("NodeConfig")) {
          NodeConfigLoader.load(file);
        } else {
          CoordinatorSettings.load(file);
        }
      }).as("loading %s", file).doesNotThrowAnyException();
      paths(new org.yaml.snakeyaml.Yaml().load(Files.readString(file)), "", written);
    }
    List<String> unwritten = Yaml.keys(Class.forName(type)).stream().filter(key -> !writes(written, key)).toList();
    assertThat(unwritten).as("keys of %s that no %s*.yaml in %s writes", type, component, REFERENCE).isEmpty();
  }

  /** Whether a path written is {@code key} or lies below it ({@code *} in a key: any name). */
  private static boolean writes(List<String> written, String key) {
    Pattern path = Pattern.compile(Pattern.quote(key).replace("*", "\\E[^.\\[]+\\Q") + "([.\\[].*)?");
    return written.stream().anyMatch(w -> path.matcher(w).matches());
  }

  /** Every path in a YAML tree, in {@link Yaml#keys}'s notation ({@code datasets[].files[]}). */
  private static void paths(Object node, String prefix, List<String> out) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> paths(v, prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, out));
    } else if (node instanceof List<?> list && !list.isEmpty()) {
      list.forEach(v -> paths(v, prefix + "[]", out));
    } else {
      out.add(prefix);
    }
  }

  /** The text under a "### heading", up to the next heading of that level or above. */
  private static String section(String heading) throws IOException {
    String guide = Files.readString(GUIDE);
    int start = guide.indexOf("\n### " + heading + "\n");
    assertThat(start).as("\"### %s\" in %s", heading, GUIDE).isNotNegative();
    Matcher next = Pattern.compile("\\n#{2,3} ").matcher(guide);
    int end = next.find(start + 1) ? next.start() : guide.length();
    return guide.substring(start, end);
  }

  /**
   * The key column of the section's tables headed "| key | default | ...": each key named in it (a row may name
   * several), with that row's default; {@code <variable>} and the like become {@code *}, as in {@link Yaml#keys}.
   */
  private static Map<String, String> rows(String section) {
    Map<String, String> rows = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : section.split("\n")) {
      if (!line.startsWith("|")) {
        inTable = false;
        continue;
      }
      String[] cells = line.substring(1).split("(?<!\\\\)\\|");
      String first = cells[0].strip();
      if (first.equals("key")) {
        inTable = true;
      } else if (inTable && !first.matches("[-: ]+")) {
        Matcher m = CODE.matcher(first);
        while (m.find()) {
          rows.put(m.group(1).replaceAll("<[^>]+>", "*"), cells.length > 1 ? cells[1].strip() : "");
        }
      }
    }
    assertThat(rows).as("rows of a \"| key | default | meaning |\" table").isNotEmpty();
    return rows;
  }
}
