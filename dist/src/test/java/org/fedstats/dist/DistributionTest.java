package org.fedstats.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar.gz unpacked in a temporary folder, its launchers run from other folders as a site or a researcher would:
 * a node from the shipped example configuration, a coordinator, and the command line asking them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionTest {
  private static final String VERSION = System.getProperty("fedstats.version");

  private Path tmp;
  private Path home;
  private Path elsewhere;
  private final List<Process> servers = new ArrayList<>();

  @BeforeAll
  void unpack(@TempDir Path dir) throws Exception {
    tmp = dir;
    Path tarball = Path.of(System.getProperty("fedstats.distribution"));
    assertThat(tarball).exists();
    Path unpacked = Files.createDirectories(tmp.resolve("opt"));
    Launch tar = Launch.run(unpacked, Map.of(), "tar", "xzf", tarball.toString());
    assertThat(tar.exit()).as(tar.err()).isZero();
    home = unpacked.resolve("fedstats-" + VERSION);
    elsewhere = Files.createDirectories(tmp.resolve("somewhere else"));
  }

  @AfterAll
  void stopServers() throws InterruptedException {
    for (Process p : servers) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /** The environment of a user whose JAVA_HOME is the JDK running the build. */
  private Map<String, String> env() {
    return Map.of("JAVA_HOME", System.getProperty("java.home"), "XDG_CACHE_HOME", tmp.resolve("cache").toString());
  }

  @Test
  void holdsTheLaunchersAndEveryJar() throws IOException {
    for (String launcher : List.of("fedstats", "fedstats-node", "fedstats-coordinator")) {
      assertThat(home.resolve("bin").resolve(launcher)).isExecutable();
    }
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      assertThat(jars.map(p -> p.getFileName().toString()).toList()).contains(
          "fedstats-node-server-" + VERSION + ".jar", "fedstats-coordinator-" + VERSION + ".jar",
          "fedstats-client-sdk-" + VERSION + ".jar", "picocli-4.7.7.jar").anyMatch(n -> n.startsWith("duckdb_jdbc"));
    }
    assertThat(home.resolve("examples/node-site1.yaml")).exists();
    assertThat(home.resolve("systemd/fedstats-node.service")).exists();
    assertThat(home.resolve("reference/node.yaml")).exists();
    assertThat(home.resolve("examples/python/fedstats_api.py")).isExecutable();
  }

  /** Only the version on stdout and nothing on stderr, also when the class-data archive is written and used. */
  @Test
  void versionFromAnotherFolderWithoutNoise() throws Exception {
    for (int run = 1; run <= 2; run++) {
      Launch v = Launch.run(elsewhere, env(), home.resolve("bin/fedstats").toString(), "--version");
      assertThat(v.err()).as("stderr of run %d", run).isEmpty();
      assertThat(v.out()).isEqualTo("fedstats " + VERSION + "\n");
      assertThat(v.exit()).isZero();
    }
    Path archive;
    try (Stream<Path> archives = Files.list(tmp.resolve("cache/fedstats"))) {
      archive = archives.filter(p -> p.toString().endsWith(".jsa")).findFirst().orElseThrow();
    }
    // Jars newer than the archive (a rebuild, an update in place): the JVM would keep mapping and dropping the
    // stale archive; the launcher removes it so that the next run writes it anew.
    FileTime longAgo = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
    Files.setLastModifiedTime(archive, longAgo);
    Launch afterUpdate = Launch.run(elsewhere, env(), home.resolve("bin/fedstats").toString(), "--version");
    assertThat(afterUpdate.err()).isEmpty();
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(longAgo);
    for (String server : List.of("fedstats-node", "fedstats-coordinator")) {
      Launch v = Launch.run(elsewhere, env(), home.resolve("bin").resolve(server).toString(), "--version");
      assertThat(v.err()).isEmpty();
      assertThat(v.out()).isEqualTo(server + " " + VERSION + "\n");
    }
  }

  @Test
  void launchersFollowSymbolicLinks() throws Exception {
    Path links = Files.createDirectories(tmp.resolve("links"));
    Files.createSymbolicLink(links.resolve("fs"), home.resolve("bin/fedstats"));
    Launch v = Launch.run(elsewhere, env(), links.resolve("fs").toString(), "--version");
    assertThat(v.out()).isEqualTo("fedstats " + VERSION + "\n");
  }

  @Test
  void theSourceTreeLaunchersRunTheBuiltJars() throws Exception {
    Path tree = Path.of(System.getProperty("fedstats.source.tree"));
    Launch v = Launch.run(elsewhere, env(), tree.resolve("bin/fedstats").toString(), "--version");
    assertThat(v.err()).isEmpty();
    assertThat(v.out()).isEqualTo("fedstats " + VERSION + "\n");
  }

  /**
   * A coordinator starts, a site starts a node from the example configuration (an outbound node: it dials the
   * coordinator), every link over mutual TLS with certificates the distribution's {@code fedstats pki} makes, as the
   * demo does, and the command line reaches the node through the coordinator.
   */
  @Test
  void aNodeACoordinatorAndTheCommandLine() throws Exception {
    Path site = Files.createDirectories(tmp.resolve("site"));
    Path pki = site.resolve("run/pki");
    Launch certificates = Launch.run(elsewhere, env(), home.resolve("bin/fedstats").toString(), "pki", "demo",
        "--dir", pki.toString(), "--nodes", "site1", "--researchers", "alice");
    assertThat(certificates.err()).isEmpty();
    assertThat(certificates.exit()).isZero();
    Path coordinatorYaml = Files.writeString(tmp.resolve("coordinator.yaml"), """
        listen: 127.0.0.1:0
        node-listen: 127.0.0.1:0
        tls: {dir: "%s", name: coordinator}
        node-deadline-ms: 10000
        health-interval-ms: 60000
        nodes:
          - {id: site1}
        """.formatted(pki.resolve("coordinator")));
    Matcher started = start(elsewhere, "fedstats-coordinator",
        "listening on 127\\.0\\.0\\.1:(\\d+) .*outbound nodes dial 127\\.0\\.0\\.1:(\\d+)",
        "--config", coordinatorYaml.toString());
    int coordinatorPort = Integer.parseInt(started.group(1));
    int nodeLinkPort = Integer.parseInt(started.group(2));

    String example = Files.readString(home.resolve("examples/node-site1.yaml"));
    assertThat(example).contains("coordinator: {address: \"127.0.0.1:7051\"}");
    Files.writeString(site.resolve("node.yaml"), example.replace("127.0.0.1:7051", "127.0.0.1:" + nodeLinkPort));
    Files.copy(home.resolve("examples/approvals.yaml"), site.resolve("approvals.yaml"));
    Files.createSymbolicLink(site.resolve("data"), home.resolve("examples/data"));
    start(site, "fedstats-node", "dialling its coordinator at 127\\.0\\.0\\.1:" + nodeLinkPort
        + " \\(no listening port\\)", "--config", "node.yaml");
    Path nodeLog = tmp.resolve("fedstats-node.err");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(nodeLog).contains("node site1 linked to")) {
      assertThat(System.nanoTime()).as("the node linked within 60 s: " + Files.readString(nodeLog))
          .isLessThan(deadline);
      Thread.sleep(50);
    }

    String[] alice = {"--tls-dir", pki.resolve("alice").toString(), "--tls-name", "alice"};
    Launch count = Launch.run(elsewhere, env(), home.resolve("bin/fedstats").toString(), "count", "colon",
        "--coordinator", "127.0.0.1:" + coordinatorPort, "--format", "json", "--where", "sex = 0", alice[0], alice[1],
        alice[2], alice[3], "--project", "demo-study");
    assertThat(count.err()).isEmpty();
    assertThat(count.exit()).isZero();
    JsonNode pooled = new ObjectMapper().readTree(count.out()).get("pooled").get("count").get("count");
    assertThat(pooled.isIntegralNumber()).isTrue();
    assertThat(pooled.asLong()).isEqualTo(133);
    assertThat(site.resolve("run/audit-site1.jsonl")).content().contains("\"outcome\":\"ANSWERED\"")
        .contains("\"requester\":\"alice@");

    Launch plaintext = Launch.run(elsewhere, env(), home.resolve("bin/fedstats").toString(), "--coordinator",
        "127.0.0.1:" + coordinatorPort, "nodes");
    assertThat(plaintext.exit()).isEqualTo(1);
    assertThat(plaintext.err()).startsWith("fedstats: ").contains("--tls-dir").hasLineCount(1);

    // Arrow output through the launcher: the JVM options it passes let Arrow reach its memory without a word.
    Path arrow = tmp.resolve("count.arrow");
    Launch arrowCount = Launch.run(elsewhere, env(), home.resolve("bin/fedstats").toString(), "count", "colon",
        "--coordinator", "127.0.0.1:" + coordinatorPort, "--format", "arrow", "--output", arrow.toString(), alice[0],
        alice[1], alice[2], alice[3], "--project", "demo-study");
    assertThat(arrowCount.err()).isEmpty();
    assertThat(arrowCount.out()).isEmpty();
    assertThat(arrowCount.exit()).isZero();
    byte[] bytes = Files.readAllBytes(arrow);
    assertThat(new String(bytes, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("ARROW1");
    assertThat(new String(bytes, bytes.length - 6, 6, StandardCharsets.US_ASCII)).isEqualTo("ARROW1");

    Launch nodePortAsCoordinator = Launch.run(elsewhere, env(), home.resolve("bin/fedstats").toString(),
        "--coordinator", "127.0.0.1:" + nodeLinkPort, alice[0], alice[1], alice[2], alice[3], "nodes");
    assertThat(nodePortAsCoordinator.exit()).isEqualTo(1);
    assertThat(nodePortAsCoordinator.out()).isEmpty();
    assertThat(nodePortAsCoordinator.err()).isEqualTo("fedstats: 127.0.0.1:" + nodeLinkPort + " is not a fedstats "
        + "coordinator (it does not offer FederationService; is it a node's port?)\n");
  }

  /** Starts a server through its launcher and returns the match of {@code started} in its standard output. */
  private Matcher start(Path dir, String launcher, String started, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin").resolve(launcher).toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectError(tmp.resolve(launcher + ".err").toFile());
    pb.environment().putAll(env());
    Process p = pb.start();
    servers.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Pattern line = Pattern.compile(started);
    for (String l = out.readLine(); l != null; l = out.readLine()) {
      Matcher m = line.matcher(l);
      if (m.find()) {
        Thread drain = new Thread(() -> out.lines().forEach(x -> { }), launcher + "-stdout");
        drain.setDaemon(true);
        drain.start();
        return m;
      }
    }
    throw new AssertionError(launcher + " ended without starting: "
        + Files.readString(tmp.resolve(launcher + ".err")));
  }
}
