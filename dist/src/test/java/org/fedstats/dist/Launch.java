package org.fedstats.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A finished command: its exit status, stdout and stderr. */
record Launch(int exit, String out, String err) {
  /** Runs {@code command} in {@code dir} with {@code env} added to this process's environment. */
  static Launch run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("launch", ".out");
    Path err = Files.createTempFile("launch", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
      }
      return new Launch(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
