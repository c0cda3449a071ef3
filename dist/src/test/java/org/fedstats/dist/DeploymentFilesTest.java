package org.fedstats.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fedstats.common.HostPort;
import org.fedstats.common.config.Yaml;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.node.config.NodeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What deploy/ ships for operators and cannot run here (no container engine, no cluster, no systemd as init): the
 * compose file, the Helm charts and the systemd units, checked for what an operator relies on. Their YAML is read
 * with SnakeYAML (Jackson's YAML parser underneath), which resolves the compose file's anchors and merge keys; the
 * configurations they ship are read with the node's and coordinator's own configuration classes.
 */
class DeploymentFilesTest {
  private static final String VERSION = System.getProperty("fedstats.version");
  private static final Path TREE = Path.of(System.getProperty("fedstats.source.tree"));
  private static final Path DEPLOY = TREE.resolve("deploy");
  private static final String NODE_IMAGE = "fedstats/fedstats-node";
  private static final String COORDINATOR_IMAGE = "fedstats/fedstats-coordinator";

  @Test
  void theImageNamesAreTheOnesTheBuildGives() throws IOException {
    String images = Files.readString(TREE.resolve("images/pom.xml"));
    assertThat(images).contains("<to><image>fedstats/${images.name}:${project.version}</image></to>");
    assertThat(Files.readString(TREE.resolve("images/node/pom.xml")))
        .contains("<images.name>" + NODE_IMAGE.substring("fedstats/".length()) + "</images.name>");
    assertThat(Files.readString(TREE.resolve("images/coordinator/pom.xml")))
        .contains("<images.name>" + COORDINATOR_IMAGE.substring("fedstats/".length()) + "</images.name>");
  }

  @Test
  void composeRunsACoordinatorAndThreeNodesFromTheImagesWithDataReadOnlyAndStateOnVolumes() throws IOException {
    Path dir = DEPLOY.resolve("compose");
    Map<String, Object> compose = yaml(dir.resolve("compose.yaml"));
    Map<String, Object> services = map(compose, "services");
    assertThat(services.keySet()).containsExactlyInAnyOrder("coordinator", "site1", "site2", "site3");
    Set<String> namedVolumes = map(compose, "volumes").keySet();

    Map<String, Object> coordinator = map(services, "coordinator");
    assertThat(coordinator.get("image")).isEqualTo(COORDINATOR_IMAGE + ":" + VERSION);
    CoordinatorConfig coordinatorConfig = Yaml.read(mountedFile(dir, coordinator, "/etc/fedstats/coordinator.yaml"),
        CoordinatorConfig.class, "coordinator configuration");
    int researcherPort = HostPort.parse(coordinatorConfig.listen(), "listen").port();
    int nodePort = HostPort.parse(coordinatorConfig.nodeListen(), "node-listen").port();
    assertThat(list(coordinator, "ports")).as("the researcher port is published")
        .anyMatch(p -> String.valueOf(p).endsWith(":" + researcherPort));
    int webPort = HostPort.parse(coordinatorConfig.webListen(), "web-listen").port();
    assertThat(list(coordinator, "ports")).as("the web port (dashboard, HTTP API) is published")
        .anyMatch(p -> String.valueOf(p).endsWith(":" + webPort));
    assertThat(coordinatorConfig.tls()).isNotNull();
    assertThat(coordinatorConfig.tls().dir()).isEqualTo("/etc/fedstats/tls");
    assertThat(mount(coordinator, "/etc/fedstats/tls")).endsWith(":ro");
    assertThat(coordinatorConfig.auditLog()).startsWith("/var/lib/fedstats/");
    assertThat(namedVolumes).contains(source(mount(coordinator, "/var/lib/fedstats")));
    assertThat(coordinatorConfig.nodes()).extracting(CoordinatorConfig.NodeEntry::id)
        .containsExactlyInAnyOrder("site1", "site2", "site3");

    for (String site : List.of("site1", "site2", "site3")) {
      Map<String, Object> node = map(services, site);
      assertThat(node.get("image")).as(site).isEqualTo(NODE_IMAGE + ":" + VERSION);
      NodeConfig config = Yaml.read(mountedFile(dir, node, "/etc/fedstats/node.yaml"), NodeConfig.class,
          "node configuration");
      assertThat(config.nodeId()).isEqualTo(site);
      HostPort coordinatorAddress = HostPort.parse(config.coordinator().address(), "coordinator.address");
      assertThat(coordinatorAddress).as("%s dials the coordinator service's node port", site)
          .isEqualTo(new HostPort("coordinator", nodePort));
      assertThat(config.tls().dir()).isEqualTo("/etc/fedstats/tls");
      assertThat(config.tls().name()).isEqualTo(site);
      assertThat(mount(node, "/etc/fedstats/tls")).isEqualTo("./pki/" + site + ":/etc/fedstats/tls:ro");
      // The site's own data files, each mounted read-only, and nothing else of the demo's data (not the folder).
      List<String> dataMounts = list(node, "volumes").stream().map(String::valueOf)
          .filter(v -> v.split(":")[1].startsWith("/data")).toList();
      List<String> files = config.datasets().stream().flatMap(d -> d.files().stream()).toList();
      assertThat(dataMounts).extracting(v -> v.split(":")[1]).as("%s's mounts in /data", site)
          .containsExactlyInAnyOrderElementsOf(files);
      List<String> demoFiles = yamlDatasetFiles(DEPLOY.resolve("demo/node-" + site + ".yaml"));
      for (String file : files) {
        String volume = mount(node, file);
        assertThat(volume).as("%s: %s is mounted read-only", site, file).endsWith(":ro");
        Path onHost = dir.resolve(source(volume)).normalize();
        assertThat(onHost).as("%s: %s", site, file).isRegularFile()
            .hasFileName(Path.of(file).getFileName().toString());
        assertThat(DEPLOY.resolve("demo").relativize(onHost).toString()).as("%s: %s is a file of its demo site", site,
            file).isIn(demoFiles);
      }
      if (config.approvals() != null) {
        mountedFile(dir, node, "/etc/fedstats/" + config.approvals());
      }
      assertThat(config.auditLog()).startsWith("/var/lib/fedstats/");
      assertThat(config.stateDir()).startsWith("/var/lib/fedstats/");
      assertThat(namedVolumes).as("%s's state volume", site).contains(source(mount(node, "/var/lib/fedstats")));
    }

    for (Map.Entry<String, Object> service : services.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> s = (Map<String, Object>) service.getValue();
      assertThat(s.get("read_only")).as("%s's root file system is read-only", service.getKey()).isEqualTo(true);
      assertThat(list(s, "tmpfs")).as("%s's /tmp, where native libraries are unpacked", service.getKey())
          .anyMatch(t -> String.valueOf(t).startsWith("/tmp:exec") && String.valueOf(t).contains("mode=1777"));
    }
  }

  @Test
  void helmChartsParseAndTheirTemplatesUseOnlyValuesThatExist(@TempDir Path tmp) throws IOException {
    for (String chart : List.of("fedstats-node", "fedstats-coordinator")) {
      Path dir = DEPLOY.resolve("helm").resolve(chart);
      Map<String, Object> meta = yaml(dir.resolve("Chart.yaml"));
      assertThat(meta).containsEntry("apiVersion", "v2").containsEntry("name", chart)
          .containsEntry("appVersion", VERSION);
      Map<String, Object> values = yaml(dir.resolve("values.yaml"));
      assertThat(map(values, "image")).containsEntry("repository", "fedstats/" + chart).containsEntry("tag", VERSION);

      List<String> missing = new ArrayList<>();
      String templates;
      try (Stream<Path> files = Files.list(dir.resolve("templates"))) {
        StringBuilder all = new StringBuilder();
        for (Path template : files.sorted().toList()) {
          String text = Files.readString(template);
          all.append(text);
          Matcher m = Pattern.compile("\\.Values((?:\\.[A-Za-z0-9_]+)+)").matcher(text);
          while (m.find()) {
            if (!has(values, m.group(1).substring(1).split("\\."))) {
              missing.add(template.getFileName() + ": .Values" + m.group(1));
            }
          }
        }
        templates = all.toString();
      }
      assertThat(missing).as("%s: values the templates use that values.yaml lacks", chart).isEmpty();
      assertThat(templates).contains("kind: StatefulSet", "readOnlyRootFilesystem: true", "runAsNonRoot: true",
          "allowPrivilegeEscalation: false", "kind: ConfigMap", "secretName:", "volumeClaimTemplates:",
          "readinessProbe:", "livenessProbe:", "mountPath: /var/lib/fedstats", "mountPath: /tmp");
      assertThat(map(values, "podSecurityContext")).containsEntry("runAsNonRoot", true)
          .containsEntry("runAsUser", 65532);

      // The configuration the chart writes by default is one its server reads.
      Path config = tmp.resolve(chart + ".yaml");
      Files.writeString(config, new org.yaml.snakeyaml.Yaml().dump(values.get("config")));
      if (chart.equals("fedstats-node")) {
        assertThat(templates).contains("mountPath: /data, readOnly: true");
        // Secrets beyond TLS (a jdbc password): mounted read-only under /etc/fedstats/secrets, or as variables.
        assertThat(values.get("secretVolumes")).isEqualTo(List.of());
        assertThat(values.get("secretEnv")).isEqualTo(List.of());
        assertThat(templates).contains("range .Values.secretVolumes", "with .Values.secretEnv",
            "mountPath: /etc/fedstats/secrets/{{ .name }}, readOnly: true", "secretKeyRef:",
            "name: {{ required \"secretEnv[].secretName: the Secret\" .secretName }}",
            "key: {{ required \"secretEnv[].key: the key in the Secret\" .key }}",
            "secret: {secretName: {{ required \"secretVolumes[].secretName: the Secret\" .secretName }}");
        assertThat(Files.readString(dir.resolve("values.yaml"))).contains("password-file: /etc/fedstats/secrets/",
            "password-env:");
        NodeConfig node = Yaml.read(config, NodeConfig.class, "node configuration");
        assertThat(node.tls().dir()).isEqualTo("/etc/fedstats/tls");
        assertThat(node.auditLog()).startsWith("/var/lib/fedstats/");
      } else {
        CoordinatorConfig coordinator = Yaml.read(config, CoordinatorConfig.class, "coordinator configuration");
        Map<String, Object> ports = map(values, "ports");
        assertThat(HostPort.parse(coordinator.listen(), "listen").port()).isEqualTo(ports.get("researcher"));
        assertThat(HostPort.parse(coordinator.nodeListen(), "node-listen").port()).isEqualTo(ports.get("node"));
        assertThat(HostPort.parse(coordinator.metricsListen(), "metrics-listen").port())
            .isEqualTo(ports.get("metrics"));
        assertThat(HostPort.parse(coordinator.webListen(), "web-listen").port()).isEqualTo(ports.get("web"));
        assertThat(coordinator.auditLog()).startsWith("/var/lib/fedstats/");
        assertThat(templates).contains("kind: Service", "name: researcher", "name: node-link", "name: metrics",
            "name: web");
      }
    }
  }

  /** deploy/README.md's example of a node chart's values with a PostgreSQL password from a Secret. */
  @Test
  void theReadmesHelmExampleReadsTheJdbcPasswordFromAMountedSecret() throws IOException {
    String readme = Files.readString(DEPLOY.resolve("README.md"));
    Matcher block = Pattern.compile("```yaml\n(# site1-values\\.yaml\n.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(block.find()).as("the site1-values.yaml example").isTrue();
    Map<String, Object> values = new org.yaml.snakeyaml.Yaml().load(block.group(1));
    Map<String, Object> chartValues = yaml(DEPLOY.resolve("helm/fedstats-node/values.yaml"));
    assertThat(chartValues.keySet()).as("the example's keys are the chart's").containsAll(values.keySet());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> secrets = (List<Map<String, Object>>) values.get("secretVolumes");
    assertThat(secrets).isNotEmpty().allSatisfy(v -> assertThat(v).containsKeys("name", "secretName"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> datasets = (List<Map<String, Object>>) map(values, "config").get("datasets");
    @SuppressWarnings("unchecked")
    String passwordFile = String.valueOf(((Map<String, Object>) datasets.get(0).get("jdbc")).get("password-file"));
    assertThat(secrets).as("a mounted Secret holds %s", passwordFile)
        .anyMatch(v -> passwordFile.startsWith("/etc/fedstats/secrets/" + v.get("name") + "/"));
  }

  /** The images' file modes and the C library folders make-root.sh fills (images/pom.xml, make-root.sh). */
  @Test
  void theImagesGiveTheLibraryFoldersOfTheirArchitectureAndStopOnAnother() throws IOException {
    String pom = Files.readString(TREE.resolve("images/pom.xml"));
    String script = Files.readString(TREE.resolve("images/src/build/make-root.sh"));
    assertThat(pom).contains("<images.lib.dir>/lib/x86_64-linux-gnu</images.lib.dir>",
        "<permission><file>${images.lib.dir}/*</file><mode>755</mode></permission>",
        "<permission><file>/lib64/*</file><mode>755</mode></permission>", "<arg value=\"${images.lib.dir}\"/>",
        "<permission><file>/tmp</file><mode>777</mode></permission>");
    assertThat(pom).as("no library folder written out beside images.lib.dir").doesNotContain("<file>/lib/x86_64");
    assertThat(script).contains("lib_dir=$7", "[[ \"$(uname -m)\" == x86_64 ]]",
        "[[ \"$dir\" == /lib64 || \"$dir\" == \"$lib_dir\" ]]");
    // What cannot be in the image (Jib sets no owner and no sticky bit) is said where operators read.
    String readme = Files.readString(DEPLOY.resolve("README.md"));
    assertThat(readme).contains("mode 777, not\n  1777", "no package database", "rebuilt on a host");
  }

  @Test
  void systemdUnitsRunTheLaunchersHardenedAndStopGracefully() throws IOException {
    for (String component : List.of("node", "coordinator")) {
      String unit = Files.readString(DEPLOY.resolve("systemd/fedstats-" + component + ".service"));
      assertThat(unit).contains("ExecStart=/opt/fedstats/bin/fedstats-" + component + " --config /etc/fedstats/",
          "User=fedstats", "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/fedstats",
          "PrivateTmp=yes", "Restart=on-failure", "KillSignal=SIGTERM", "SuccessExitStatus=143");
      Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
      assertThat(stop.find()).isTrue();
      assertThat(Long.parseLong(stop.group(1)) * 1000).as("TimeoutStopSec above the default shutdown-grace-ms")
          .isGreaterThan(org.fedstats.common.ops.Operations.DEFAULT_SHUTDOWN_GRACE.toMillis());
      assertThat(TREE.resolve("bin/fedstats-" + component)).isExecutable();
    }
  }

  /** systemd's own check of the units, where systemd-analyze is installed (Debian's systemd package). */
  @Test
  void systemdAnalyzeFindsNothingToSayAboutTheUnits(@TempDir Path tmp) throws Exception {
    assumeTrue(Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").anyMatch(p -> Files.isExecutable(
        Path.of(p))), "systemd-analyze is not installed");
    List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
    for (String component : List.of("node", "coordinator")) {
      // The unit as installed, but with the launcher of this tree (verify checks that ExecStart is executable).
      Path unit = tmp.resolve("fedstats-" + component + ".service");
      Files.writeString(unit, Files.readString(DEPLOY.resolve("systemd").resolve(unit.getFileName()))
          .replace("/opt/fedstats/", TREE.toAbsolutePath() + "/"), StandardCharsets.UTF_8);
      command.add(unit.toString());
    }
    Launch verify = Launch.run(tmp, Map.of(), command.toArray(String[]::new));
    assertThat(verify.exit()).as(verify.err()).isZero();
    assertThat(verify.err()).as("systemd-analyze verify's complaints").isBlank();
  }

  /** The data files a node configuration's datasets list, as written. */
  @SuppressWarnings("unchecked")
  private static List<String> yamlDatasetFiles(Path nodeConfig) throws IOException {
    List<String> files = new ArrayList<>();
    for (Object dataset : (List<Object>) yaml(nodeConfig).get("datasets")) {
      files.addAll((List<String>) ((Map<String, Object>) dataset).get("files"));
    }
    return files;
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    assertThat(file).isRegularFile();
    return new org.yaml.snakeyaml.Yaml().load(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    return (Map<String, Object>) parent.get(key);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    return (List<Object>) parent.get(key);
  }

  @SuppressWarnings("unchecked")
  private static boolean has(Map<String, Object> values, String... path) {
    Object at = values;
    for (String key : path) {
      if (!(at instanceof Map<?, ?> m) || !m.containsKey(key)) {
        return false;
      }
      at = ((Map<String, Object>) m).get(key);
    }
    return true;
  }

  /** The service's volume entry (short syntax, "source:target[:mode]") whose target is {@code target}. */
  private static String mount(Map<String, Object> service, String target) {
    List<String> found = list(service, "volumes").stream().map(String::valueOf)
        .filter(v -> v.split(":")[1].equals(target)).toList();
    assertThat(found).as("a volume at %s", target).hasSize(1);
    return found.get(0);
  }

  private static String source(String volume) {
    return volume.split(":")[0];
  }

  /** The host file mounted at {@code target}, which must exist and be mounted read-only. */
  private static Path mountedFile(Path composeDir, Map<String, Object> service, String target) {
    String volume = mount(service, target);
    assertThat(volume).as("%s is mounted read-only", target).endsWith(":ro");
    Path file = composeDir.resolve(source(volume)).normalize();
    assertThat(file).as("the file mounted at %s", target).isRegularFile();
    return file;
  }
}
