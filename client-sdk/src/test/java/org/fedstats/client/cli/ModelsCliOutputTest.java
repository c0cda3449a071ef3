package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.client.cli.FedstatsCliTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fedstats.client.cli.FedstatsCliTest.Run;
import org.fedstats.client.testing.CannedModels;
import org.fedstats.client.testing.FakeCoordinator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model and test commands (lm, glm, chisq, correlation, meta) in every format, byte for byte, against a stand-in
 * coordinator answering hand-made results: the sites' own answers (sufficient statistics, tables, site fits) and a
 * pooled result; the dataset "partial" gets a refusal and no pooled value. The expected output is in
 * src/test/resources/golden/models; run with -Dgolden.write=true to write it anew (and review the diff).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelsCliOutputTest {
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "models");
  private FakeCoordinator coordinator;

  @BeforeAll
  void start() throws IOException {
    coordinator = new FakeCoordinator(CannedModels::answer);
  }

  @AfterAll
  void stop() {
    coordinator.close();
  }

  /** Each case: a name (the golden file's) and the command's arguments after the format. */
  static Stream<List<String>> cases() {
    List<List<String>> commands = List.of(
        List.of("lm", "colon", "time ~ age + sex + nodes + rx"),
        List.of("glm", "colon", "status ~ rx + sex + age + nodes + obstruct", "--family", "binomial"),
        List.of("glm", "colon", "status ~ rx", "--family", "BINOMIAL", "--weights", "nonconverging"),
        List.of("chisq", "colon", "rx", "status"),
        List.of("correlation", "colon", "age", "time", "nodes"),
        List.of("meta", "colon", "status ~ rx + age", "--family", "binomial"));
    List<List<String>> cases = new ArrayList<>();
    for (String dataset : List.of("colon", "partial")) {
      for (String format : List.of("text", "json", "csv")) {
        for (List<String> command : commands) {
          List<String> c = new ArrayList<>(List.of(format, command.get(0), dataset));
          c.addAll(command.subList(2, command.size()));
          cases.add(c);
        }
      }
    }
    for (String command : List.of("lm", "glm", "chisq", "correlation", "meta")) {
      cases.add(List.of("help", command));
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void output(List<String> words) throws IOException {
    List<String> args = new ArrayList<>();
    if (!words.getFirst().equals("help")) {
      args.addAll(List.of("--coordinator", coordinator.address(), "--user", "golden", "--format", words.getFirst()));
      args.addAll(words.subList(1, words.size()));
    } else {
      args.addAll(words);
    }
    Run r = run(args.toArray(String[]::new));
    String actual = "exit " + r.exit() + "\n--- stdout\n" + r.out() + "--- stderr\n" + r.err();
    Path file = GOLDEN.resolve(String.join("_", words).replaceAll("[^A-Za-z0-9.]+", "_") + ".txt");
    if (Boolean.getBoolean("golden.write")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(file));
  }
}
