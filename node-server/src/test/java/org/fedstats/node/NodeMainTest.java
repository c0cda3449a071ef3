package org.fedstats.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fedstats.pki.tls.TlsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that cannot start says why on stderr, one line per problem, and exits non-zero; no stack trace. */
class NodeMainTest {
  @TempDir
  Path tmp;

  private record Run(int status, String out, String err) {}

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = NodeMain.run(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Run(status, out.toString(UTF_8), err.toString(UTF_8));
  }

  private Path badNode() throws Exception {
    Files.writeString(tmp.resolve("visits.csv"), "id,age,ward\n1,60,A\n2,NA,B\n3,abc,A\n");
    Path config = tmp.resolve("node.yaml");
    Files.writeString(config, """
        node-id: site1
        listen: 127.0.0.1:0
        insecure: true
        datasets:
          - name: visits
            files: [visits.csv, missing.csv]
            variables:
              - {name: id, type: integer}
              - {name: age, type: integer}
              - {name: ward, type: categorical, levels: [A]}
        """);
    return config;
  }

  @Test
  void startUpProblemsAreOneLineEachWithoutStackTrace() throws Exception {
    Run run = run("--config", badNode().toString());
    assertThat(run.status()).isEqualTo(NodeMain.CANNOT_START);
    assertThat(run.err().lines().toList()).containsExactly(
        "fedstats-node: dataset visits: file " + tmp.resolve("missing.csv") + " does not exist");
    assertThat(run.out()).isEmpty();

    Files.delete(tmp.resolve("node.yaml"));
    Files.writeString(tmp.resolve("node.yaml"), Files.readString(badNode()).replace(", missing.csv", ""));
    run = run("--config", tmp.resolve("node.yaml").toString());
    assertThat(run.status()).isEqualTo(NodeMain.CANNOT_START);
    assertThat(run.err().lines().toList()).containsExactly(
        "fedstats-node: dataset visits: file " + tmp.resolve("visits.csv") + ", column age, row 3: 'abc' is not a "
            + "whole number, and age is declared integer",
        "fedstats-node: dataset visits: file " + tmp.resolve("visits.csv") + ", column ward, row 2: 'B' is not a "
            + "declared level of ward (declared: 'A')");
  }

  @Test
  void verboseAddsTheStackTrace() throws Exception {
    Run run = run("--config", badNode().toString(), "--verbose");
    assertThat(run.status()).isEqualTo(NodeMain.CANNOT_START);
    assertThat(run.err()).startsWith("fedstats-node: dataset visits: file ").contains("\tat org.fedstats.node.");
  }

  @Test
  void withoutTlsOrInsecureTheNodeDoesNotStartAndSaysWhatToAdd() throws Exception {
    Path config = tmp.resolve("plain.yaml");
    Files.writeString(config, Files.readString(badNode()).replace("insecure: true\n", ""));
    Run run = run("--config", config.toString());
    assertThat(run.status()).isEqualTo(NodeMain.CANNOT_START);
    assertThat(run.err().lines().toList()).containsExactly("fedstats-node: invalid node configuration " + config
        + ": " + TlsConfig.NO_TRANSPORT);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aMissingConfigurationIsOneLine() {
    Run run = run("--config", tmp.resolve("nowhere.yaml").toString());
    assertThat(run.status()).isEqualTo(NodeMain.CANNOT_START);
    assertThat(run.err().lines().toList()).containsExactly(
        "fedstats-node: node configuration " + tmp.resolve("nowhere.yaml") + " does not exist or is not a file");
  }

  @Test
  void withoutAConfigurationTheNodeSaysWhatIsMissing() {
    Run run = run();
    assertThat(run.status()).isNotZero();
    assertThat(run.err()).contains("Missing required option: '--config=<config>'");
    assertThat(run.err()).doesNotContain("Exception");
  }
}
