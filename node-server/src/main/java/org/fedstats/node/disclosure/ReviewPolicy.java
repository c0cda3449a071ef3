package org.fedstats.node.disclosure;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which outputs of a dataset wait for its data steward's review in the node's release queue instead of being refused
 * or released ({@code disclosure: {review: {rules: [...], analyses: [...]}}}): an output that breaks only rules of
 * {@code rules} waits instead of being refused (one that also breaks another rule is refused by that rule), and every
 * output of an analysis of {@code analyses} waits even when it breaks none. The steward approves or denies it with
 * {@code fedstats-node review}; the researcher fetches it later through the coordinator.
 *
 * <p>Only rules on what an answer releases can be reviewed ({@link #REVIEWABLE}); the cohort rules refuse before
 * anything is computed, and the overlap, privacy and identifier rules are never a steward's to waive. A round of a
 * multi-round analysis (glm) cannot wait (the coordinator's next round needs it now, and nodes keep no state between
 * rounds): where such a round would wait, it is refused under {@code review-required}.
 *
 * @param rules the rules whose failures wait for review
 * @param analyses the analyses (ids, e.g. {@code lm}) every output of which waits for review
 * @param everyAnalysis whether every analysis's outputs wait ({@code analyses: [all]})
 */
public record ReviewPolicy(Set<DisclosureRule> rules, Set<String> analyses, boolean everyAnalysis) {
  /** Nothing waits: outputs are refused or released at once. */
  public static final ReviewPolicy NONE = new ReviewPolicy(Set.of(), Set.of(), false);
  /** The word for every analysis in {@code analyses}. */
  public static final String ALL = "all";
  /** The rules whose failures a steward may review: those on what an answer releases. */
  public static final Set<DisclosureRule> REVIEWABLE = EnumSet.of(DisclosureRule.MIN_CELL_COUNT,
      DisclosureRule.MIN_SUMMARY_N, DisclosureRule.MAX_PARAMETER_PERCENT, DisclosureRule.MIN_RESIDUAL_DF,
      DisclosureRule.DOMINANCE, DisclosureRule.P_RATIO, DisclosureRule.ZEROS_DISCLOSIVE, DisclosureRule.MAX_LEVELS,
      DisclosureRule.MAX_LEVEL_DENSITY);

  public ReviewPolicy {
    rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
    analyses = Set.copyOf(analyses);
    for (DisclosureRule r : rules) {
      if (!REVIEWABLE.contains(r)) {
        throw new IllegalArgumentException("rule " + r.id() + " cannot be reviewed; " + reviewable());
      }
    }
  }

  /** The review section as written in a node's configuration; absent keys mean none. */
  public record Config(List<String> rules, List<String> analyses) {}

  /**
   * The policy {@code config} writes. Rule names must be reviewable rules; analysis names are checked by the caller
   * (the configuration loader knows the node's analyses), except {@value #ALL}.
   */
  public static ReviewPolicy of(Config config) {
    Set<DisclosureRule> rules = EnumSet.noneOf(DisclosureRule.class);
    for (String name : config.rules() == null ? List.<String>of() : config.rules()) {
      String id = Objects.requireNonNull(name, "a review rule name").trim().toLowerCase(Locale.ROOT);
      rules.add(Arrays.stream(DisclosureRule.values()).filter(r -> r.id().equals(id)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("unknown review rule '" + name + "'; " + reviewable())));
    }
    Set<String> analyses = new TreeSet<>();
    boolean every = false;
    for (String name : config.analyses() == null ? List.<String>of() : config.analyses()) {
      String id = Objects.requireNonNull(name, "a review analysis name").trim().toLowerCase(Locale.ROOT);
      if (id.equals(ALL)) {
        every = true;
      } else {
        analyses.add(id);
      }
    }
    return new ReviewPolicy(rules, analyses, every);
  }

  private static String reviewable() {
    return "reviewable rules are " + REVIEWABLE.stream().map(DisclosureRule::id).collect(Collectors.joining(", "));
  }

  /** Whether a failure of {@code rule} waits for review instead of refusing. */
  public boolean reviews(DisclosureRule rule) {
    return rules.contains(rule);
  }

  /** Whether every output of analysis {@code id} waits for review. */
  public boolean reviewsEvery(String analysis) {
    return everyAnalysis || analyses.contains(analysis);
  }

  /** Whether anything waits for review. */
  public boolean any() {
    return !rules.isEmpty() || !analyses.isEmpty() || everyAnalysis;
  }

  /** As a configuration would write it, e.g. "rules [dominance, p-ratio], analyses [all]". */
  public String describe() {
    if (!any()) {
      return "none";
    }
    return "rules " + rules.stream().map(DisclosureRule::id).sorted().toList() + ", analyses "
        + (everyAnalysis ? List.of(ALL) : analyses.stream().sorted().toList());
  }
}
