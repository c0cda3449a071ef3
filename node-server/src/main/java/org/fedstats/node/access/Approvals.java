package org.fedstats.node.access;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fedstats.common.Text;
import org.fedstats.common.config.Yaml;

/**
 * The study approvals of a node: which projects may ask it what. A request is answered only when it names a project
 * approved at this node, on the day it comes, for its researcher, its dataset and its analysis.
 */
public record Approvals(Map<String, Approval> projects) {
  public Approvals {
    projects = Map.copyOf(projects);
  }

  /** The approvals file as written (kebab-case YAML). */
  public record File(List<Entry> projects) {}

  /** One project in the file. Dates are written {@code 2027-12-31}. */
  public record Entry(String id, String title, String committee, List<String> researchers, List<String> datasets,
      List<String> analyses, String validFrom, String validUntil) {}

  /** Reads and checks {@code file}; every problem is one line of the IOException. */
  public static Approvals read(Path file) throws IOException {
    File written = Yaml.read(file, File.class, "approvals file");
    Map<String, Approval> projects = new LinkedHashMap<>();
    try {
      for (Entry e : written.projects() == null ? List.<Entry>of() : written.projects()) {
        Approval a = new Approval(e.id(), e.title(), e.committee(), set(e.researchers()), set(e.datasets()),
            set(e.analyses()), Optional.ofNullable(date(e.id(), "valid-from", e.validFrom())),
            date(e.id(), "valid-until", e.validUntil()));
        if (projects.put(a.project(), a) != null) {
          throw new IllegalArgumentException("project " + a.project() + " is approved twice");
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IOException("approvals file " + file + ": " + e.getMessage(), e);
    }
    return new Approvals(projects);
  }

  private static Set<String> set(List<String> values) {
    return values == null ? Set.of() : Set.copyOf(values);
  }

  private static LocalDate date(String project, String key, String text) {
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("approval " + project + ": " + key + " '" + Text.echo(text)
          + "' is not a date written YYYY-MM-DD");
    }
  }

  /**
   * Why this node does not answer {@code analysis} on {@code dataset} for {@code researcher} under {@code project}
   * on {@code today}; empty when an approval covers it. The message names the missing approval.
   */
  public Optional<String> denial(String project, String researcher, String dataset, String analysis, String node,
      LocalDate today) {
    if (project.isEmpty()) {
      return Optional.of("node " + node + " answers only requests made for an approved project, and this request "
          + "names none (give the project: --project)");
    }
    Approval a = projects.get(project);
    if (a == null) {
      return Optional.of("project " + Text.echo(project) + " has no approval at node " + node);
    }
    if (a.validFrom().isPresent() && today.isBefore(a.validFrom().get())) {
      return Optional.of("approval " + project + " at node " + node + " starts on " + a.validFrom().get());
    }
    if (today.isAfter(a.validUntil())) {
      return Optional.of("approval " + project + " at node " + node + " expired on " + a.validUntil());
    }
    if (!a.researchers().contains(researcher)) {
      return Optional.of("project " + project + " does not approve researcher " + Text.echo(researcher)
          + " at node " + node);
    }
    if (!a.datasets().contains(dataset)) {
      return Optional.of("project " + project + " does not approve dataset " + Text.echo(dataset) + " at node "
          + node);
    }
    if (!a.analyses().contains(analysis)) {
      return Optional.of("project " + project + " does not approve analysis " + analysis + " on dataset "
          + dataset + " at node " + node);
    }
    return Optional.empty();
  }
}
