package org.fedstats.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.SummaryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python example (examples/python/fedstats_api.py), run with {@code python3} as a researcher would run it,
 * against a federation over mutual TLS on 127.0.0.1 with alice's certificate: what it prints is what the federation
 * computes. Without python3 the test is skipped, unless FEDSTATS_REQUIRE_PYTHON=1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonExampleTest {
  private static final String GLM = "status ~ rx + sex + age";
  private static final String SCRIPT = "examples/python/fedstats_api.py";
  private static final long RUN_SECONDS = 120;

  private ApiFederation federation;
  private Path script;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    requirePython();
    script = projectFile(SCRIPT);
    federation = new ApiFederation(dir, true, "min-cell-count: 5", "");
  }

  @AfterAll
  void stop() throws Exception {
    if (federation != null) {
      federation.close();
    }
  }

  /** Skips when there is no python3 to run, unless FEDSTATS_REQUIRE_PYTHON=1 makes that a failure. */
  private static void requirePython() throws InterruptedException {
    String found;
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      found = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0
          ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim() : null;
    } catch (IOException e) {
      found = null;
    }
    if (found == null && "1".equals(System.getenv("FEDSTATS_REQUIRE_PYTHON"))) {
      throw new AssertionError("FEDSTATS_REQUIRE_PYTHON=1, but python3 does not run on this machine");
    }
    Assumptions.assumeTrue(found != null, "python3 is not installed: the Python example is not run "
        + "(set FEDSTATS_REQUIRE_PYTHON=1 to make this a failure)");
  }

  private static Path projectFile(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
    }
    throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
  }

  private record Run(int exit, String out, String err) {}

  private Run python(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", script.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(federation.dir, "out", ".txt");
    Path err = Files.createTempFile(federation.dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("FEDSTATS_TOKEN");
    Process p = builder.start();
    if (!p.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the Python example did not end within " + RUN_SECONDS + " s");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private String[] asAlice(String... more) {
    TlsFiles alice = federation.researchers.get("alice");
    List<String> args = new ArrayList<>(List.of(federation.web(), "--cert", alice.certificateChain().toString(),
        "--key", alice.key().toString(), "--ca", alice.caCertificate().toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    assertThat(m.find()).as("%s in:%n%s", regex, text).isTrue();
    return m.group(1);
  }

  private static double relative(double value) {
    return Math.max(1e-12, 1e-8 * Math.abs(value));
  }

  @Test
  void itPrintsTheNodesAndThePooledCountSummaryAndGlmTheFederationComputes() throws Exception {
    Run run = python(asAlice("--dataset", "colon", "--variable", "age", "--formula", GLM, "--family",
        "BINOMIAL"));
    assertThat(run.exit()).as(run.err() + run.out()).isZero();
    String out = run.out();
    assertThat(out).contains("nodes: 3").contains("site1: up, outbound, datasets: colon")
        .contains("site3: up, outbound, datasets: colon").contains("pooled over site1, site2, site3");

    var coordinator = federation.coordinator.federation();
    long count = coordinator.run(AnalysisRequest.newBuilder().setDataset("colon").setAnalysis(Analysis.newBuilder()
        .setCount(CountAnalysis.getDefaultInstance())).build(), "alice").getPooled().getCount().getCount();
    assertThat(Long.parseLong(group(out, "^  count = (\\d+)$"))).isEqualTo(count).isPositive();

    SummaryResult summary = coordinator.run(AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("age"))).build(),
        "alice").getPooled().getSummary();
    assertThat(Long.parseLong(group(out, "^  n = (\\d+), missing"))).isEqualTo(summary.getN());
    assertThat(Double.parseDouble(group(out, "mean = (\\S+),"))).isCloseTo(summary.getMean(),
        within(relative(summary.getMean())));
    assertThat(Double.parseDouble(group(out, "variance = (\\S+)$"))).isCloseTo(summary.getVariance(),
        within(relative(summary.getVariance())));

    ModelFit fit = coordinator.run(AnalysisRequest.newBuilder().setDataset("colon").setAnalysis(Analysis.newBuilder()
        .setGlm(GlmAnalysis.newBuilder().setFormula(GLM).setFamily(GlmFamily.BINOMIAL))).build(), "alice")
        .getPooled().getModelFit();
    assertThat(group(out, "iterations = (\\d+), converged = True")).isEqualTo(String.valueOf(fit.getIterations()));
    assertThat(fit.getCoefficientsCount()).isGreaterThan(3);
    for (Coefficient c : fit.getCoefficientsList()) {
      String row = "^  " + Pattern.quote(c.getTerm()) + "\\s+(\\S+)\\s+(\\S+)\\s";
      assertThat(Double.parseDouble(group(out, row))).as(c.getTerm()).isCloseTo(c.getEstimate(),
          within(relative(c.getEstimate())));
      Matcher m = Pattern.compile(row, Pattern.MULTILINE).matcher(out);
      assertThat(m.find()).isTrue();
      assertThat(Double.parseDouble(m.group(2))).as(c.getTerm()).isCloseTo(c.getStdError(),
          within(relative(c.getStdError())));
    }
  }

  @Test
  void aRefusalIsPrintedWithTheCoordinatorsReasonAndExitStatus1() throws Exception {
    Run run = python(asAlice("--dataset", "colonn"));
    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    assertThat(run.out()).contains("nodes: 3");
    assertThat(run.err()).startsWith("refused: ").contains("colonn");
  }

  @Test
  void withoutACertificateTheCoordinatorTakesNoCall() throws Exception {
    TlsFiles alice = federation.researchers.get("alice");
    Run run = python(federation.web(), "--ca", alice.caCertificate().toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach the coordinator");
  }

  @Test
  void aBearerTokenIsNotSentOverPlainHttpBeyondLoopback() throws Exception {
    Path token = Files.writeString(federation.dir.resolve("token.jwt"), "not-a-real-token");
    Run run = python("http://coordinator.invalid:8443", "--token-file", token.toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("not sent over plain http").contains("coordinator.invalid");
    assertThat(run.out()).isEmpty();
  }
}
