package org.fedstats.node.access;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One project's approval at this node, as its data access committee decided: who may ask, of which datasets, with
 * which analyses, and when (both dates inclusive, in UTC).
 *
 * @param project the project's id, as researchers name it ({@code --project})
 * @param title what the project is
 * @param committee the data access committee's reference for the decision
 * @param researchers the researchers' verified names (certificate or OpenID Connect names)
 * @param datasets the datasets the project may use at this node
 * @param analyses the analyses it may run on them (ids: count, summary, glm, ...)
 * @param validFrom the first day of the approval; empty for approved from the start
 * @param validUntil the last day of the approval
 */
public record Approval(String project, String title, String committee, Set<String> researchers,
    Set<String> datasets, Set<String> analyses, Optional<LocalDate> validFrom, LocalDate validUntil) {
  public Approval {
    if (project == null || project.isBlank()) {
      throw new IllegalArgumentException("every approval names its project (id)");
    }
    title = title == null ? "" : title;
    committee = committee == null ? "" : committee;
    researchers = Set.copyOf(nonEmpty(researchers, project, "researchers"));
    datasets = Set.copyOf(nonEmpty(datasets, project, "datasets"));
    analyses = Set.copyOf(nonEmpty(analyses, project, "analyses"));
    Objects.requireNonNull(validFrom, "validFrom");
    if (validUntil == null) {
      throw new IllegalArgumentException("approval " + project + " needs valid-until (the last day it is valid)");
    }
    if (validFrom.isPresent() && validFrom.get().isAfter(validUntil)) {
      throw new IllegalArgumentException("approval " + project + " ends (" + validUntil + ") before it starts ("
          + validFrom.get() + ")");
    }
  }

  private static Set<String> nonEmpty(Set<String> values, String project, String key) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("approval " + project + " lists no " + key);
    }
    return values;
  }
}
