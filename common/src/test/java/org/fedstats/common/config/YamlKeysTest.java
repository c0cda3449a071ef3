package org.fedstats.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlKeysTest {
  record Limits(Integer perHour, Integer perDay) {}

  record Bounds(Double lo, Double hi) {}

  record Item(String name, List<String> files, Limits limits, Map<String, Bounds> bounds) {}

  record File(String nodeId, Limits limits, List<Item> items, Map<String, String> labels) {}

  @Test
  void listsEveryKeyReadTakesWithSectionsListsAndMaps() {
    assertThat(Yaml.keys(File.class)).containsExactly("node-id", "limits.per-hour", "limits.per-day",
        "items[].name", "items[].files", "items[].limits", "items[].bounds.*.lo", "items[].bounds.*.hi",
        "labels.*");
  }

  @Test
  void theKeysListedAreTheOnesReadTakes(@TempDir Path tmp) throws IOException {
    Path good = Files.writeString(tmp.resolve("good.yaml"),
        "node-id: a\nlimits: {per-hour: 1}\nitems: [{name: x, limits: {per-day: 2}, bounds: {age: {lo: 0}}}]\n");
    assertThat(Yaml.read(good, File.class, "test file").items().get(0).bounds().get("age").lo()).isZero();
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "node-id: a\nlimits: {per-week: 1}\n");
    assertThatThrownBy(() -> Yaml.read(bad, File.class, "test file")).hasMessageContaining("unknown key 'per-week'")
        .hasMessageContaining("per-day, per-hour");
  }
}
