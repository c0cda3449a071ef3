package org.fedstats.node.disclosure;

import java.util.Objects;

/**
 * Why an output waits for review or is refused: a rule it breaks (or the review policy of its analysis), the reason
 * a researcher may be told, and the values the rule looked at, which are for the data steward at the site only.
 *
 * @param rule a {@link DisclosureRule} id, or {@value #ANALYSIS} when the dataset's policy reviews every output of
 *     the analysis
 */
public record Finding(String rule, String reason, String values) {
  /** The rule name of a finding that is the review policy of an analysis, not a broken rule. */
  public static final String ANALYSIS = "analysis";

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(values, "values");
  }

  /** A broken rule, with the values it looked at. */
  public static Finding of(Refusal refusal, String values) {
    return new Finding(refusal.rule().id(), refusal.reason(), values);
  }
}
