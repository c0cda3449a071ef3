package org.fedstats.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How bin/fedstats picks a Java and its flags, with stand-in Java installations whose {@code bin/java} prints the
 * arguments it was given: JAVA_HOME if it is 21 or newer, else java on the PATH, else the newest installed.
 */
class LauncherTest {
  private static final Path FEDSTATS = Path.of(System.getProperty("fedstats.source.tree"), "bin", "fedstats");

  @TempDir
  Path tmp;

  /** A stand-in Java installation of the given version. */
  private Path java(String name, String version) throws IOException {
    Path home = Files.createDirectories(tmp.resolve("jvms").resolve(name));
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"" + name + " $*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /** Runs bin/fedstats with this JAVA_HOME (or none) and a PATH whose java is {@code onPath} (or none). */
  private Launch fedstats(Path javaHome, Path onPath) throws Exception {
    Path pathDir = Files.createDirectories(tmp.resolve("path"));
    Files.deleteIfExists(pathDir.resolve("java"));
    if (onPath != null) {
      Files.createSymbolicLink(pathDir.resolve("java"), onPath.resolve("bin/java"));
    }
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", javaHome == null ? "" : javaHome.toString());
    env.put("PATH", pathDir + ":/usr/bin:/bin");
    env.put("FEDSTATS_JDK_DIRS", tmp.resolve("jvms").toString());
    env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    return Launch.run(tmp, env, FEDSTATS.toString(), "--version");
  }

  @Test
  void javaHomeFirstWhenItIsNewEnough() throws Exception {
    Path jdk21 = java("jdk-21", "21.0.5");
    Path jdk25 = java("jdk-25", "25.0.1");
    assertThat(fedstats(jdk21, jdk25).out()).startsWith("jdk-21 ");
  }

  @Test
  void thenJavaOnThePathThenTheNewestInstalled() throws Exception {
    Path jdk17 = java("jdk-17", "17.0.15");
    Path jdk21 = java("jdk-21", "21.0.5");
    java("jdk-24", "24");
    assertThat(fedstats(jdk17, jdk21).out()).startsWith("jdk-21 ");
    assertThat(fedstats(jdk17, jdk17).out()).startsWith("jdk-24 ");
    assertThat(fedstats(null, null).out()).startsWith("jdk-24 ");
  }

  @Test
  void noJavaNewEnoughIsOneLine() throws Exception {
    Path jdk17 = java("jdk-17", "17.0.15");
    java("jdk-8", "1.8.0_412");
    Launch none = fedstats(jdk17, jdk17);
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).startsWith("fedstats needs Java 21 or newer").contains(jdk17 + " is Java 17")
        .contains("point JAVA_HOME at").hasLineCount(1);
  }

  /** The unsafe-memory flag only where the JDK knows it and would warn without it (24+); JVM logs off stdout. */
  @Test
  void flagsFitTheJavaVersion() throws Exception {
    String on21 = fedstats(java("jdk-21", "21.0.5"), null).out();
    assertThat(on21).contains("--enable-native-access=ALL-UNNAMED", "-Xlog:disable -Xlog:all=warning:stderr",
        "-XX:+AutoCreateSharedArchive", "-Xlog:cds*=off:stderr", "org.fedstats.client.cli.FedstatsCli --version")
        .doesNotContain("--sun-misc-unsafe-memory-access", "aot");
    String on25 = fedstats(java("jdk-25", "25"), null).out();
    assertThat(on25).contains("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xlog:aot*=off:stderr");
  }
}
