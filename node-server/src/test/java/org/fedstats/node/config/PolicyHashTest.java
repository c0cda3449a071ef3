package org.fedstats.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy hash: equal for the same parsed policy however written, different when any part of it differs. */
class PolicyHashTest {
  @TempDir
  Path tmp;

  private String hash(String node, String dataset) throws Exception {
    Path file = tmp.resolve("node-" + Math.abs((node + dataset).hashCode()) + ".yaml");
    Files.writeString(file, "node-id: site1\ninsecure: true\n" + node + "datasets:\n  - name: d\n    files: [d.csv]\n"
        + dataset
        + "    variables: [{name: age, type: numeric}, {name: sex, type: integer}]\n");
    return PolicyHash.of(NodeConfigLoader.load(file).datasets().getFirst());
  }

  @Test
  void theSamePolicyWrittenDifferentlyHashesTheSame() throws Exception {
    String plain = hash("", "    analyses: [count, summary]\n");
    assertThat(plain).matches("[0-9a-f]{64}");
    // Allow-list order, thresholds at their default written out, node-wide instead of per dataset.
    assertThat(hash("", "    analyses: [summary, count]\n")).isEqualTo(plain);
    assertThat(hash("", "    analyses: [count, summary]\n    disclosure: {min-cell-count: 10}\n")).isEqualTo(plain);
    assertThat(hash("disclosure: {min-cohort-size: 10}\n", "    analyses: [count, summary]\n")).isEqualTo(plain);
    // Data files and the node's own identity are not policy.
    assertThat(hash("audit-log: other.jsonl\n", "    analyses: [count, summary]\n")).isEqualTo(plain);
  }

  @Test
  void everyPartOfThePolicyChangesTheHash() throws Exception {
    String plain = hash("", "    analyses: [count, summary]\n");
    assertThat(hash("", "    analyses: [count]\n")).as("allow-list").isNotEqualTo(plain);
    assertThat(hash("", "    analyses: [count, summary]\n    disclosure: {min-cell-count: 5}\n")).as("threshold")
        .isNotEqualTo(plain);
    assertThat(hash("", "    analyses: [count, summary]\n    disclosure: {profile: sacro}\n")).as("profile")
        .isNotEqualTo(plain);
    assertThat(hash("", "    analyses: [count, summary]\n    limits: {queries-per-day: 100}\n")).as("limits")
        .isNotEqualTo(plain);
    assertThat(hash("", "    analyses: [count, summary]\n    noise: {mode: cell-key}\n")).as("noise")
        .isNotEqualTo(plain);
  }
}
