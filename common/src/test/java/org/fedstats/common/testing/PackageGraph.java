package org.fedstats.common.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * The package dependencies of a module's compiled classes, as jdeps reads them, for tests that keep a module's
 * shape: no package cycles, interfaces that do not know their implementations.
 */
public final class PackageGraph {
  private final Map<String, Set<String>> uses;

  private PackageGraph(Map<String, Set<String>> uses) {
    this.uses = uses;
  }

  /** The packages under {@code prefix} in {@code classes} (e.g. target/classes) and which of them each uses. */
  public static PackageGraph of(Path classes, String prefix) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:package",
        "-e", prefix.replace(".", "\\.") + ".*", classes.toString());
    if (status != 0) {
      throw new IllegalStateException("jdeps failed: " + err);
    }
    Map<String, Set<String>> uses = new TreeMap<>();
    for (String line : out.toString().lines().toList()) {
      String[] words = line.strip().split("\\s+");
      if (words.length >= 3 && words[0].startsWith(prefix) && words[1].equals("->")
          && words[2].startsWith(prefix) && !words[0].equals(words[2])) {
        uses.computeIfAbsent(words[0], k -> new TreeSet<>()).add(words[2]);
      }
    }
    return new PackageGraph(uses);
  }

  /** The packages {@code pkg} uses (within the prefix). */
  public Set<String> uses(String pkg) {
    return uses.getOrDefault(pkg, Set.of());
  }

  public Set<String> packages() {
    return uses.keySet();
  }

  /** Every cycle, written "a -> b -> a", each found once (from its smallest package). */
  public List<String> cycles() {
    List<String> cycles = new ArrayList<>();
    for (String start : uses.keySet()) {
      walk(start, new ArrayList<>(List.of(start)), cycles);
    }
    return cycles;
  }

  private void walk(String at, List<String> path, List<String> cycles) {
    for (String next : uses(at)) {
      if (next.equals(path.getFirst())) {
        cycles.add(String.join(" -> ", path) + " -> " + next);
      } else if (!path.contains(next) && next.compareTo(path.getFirst()) > 0) {
        path.add(next);
        walk(next, path, cycles);
        path.removeLast();
      }
    }
  }
}
