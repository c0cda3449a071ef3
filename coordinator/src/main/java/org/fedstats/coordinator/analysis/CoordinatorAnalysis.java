package org.fedstats.coordinator.analysis;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;

/**
 * The coordinator's side of one analysis (count, summary, a model...), everything the federation needs to run it
 * without knowing which analysis it is:
 *
 * <ul>
 *   <li><b>the site check</b> ({@link #siteResultKind}, {@link #checkSite}): what shape one site's answer must have
 *       before it is pooled, so that a broken or hostile node can neither bend a pooled value nor crash the pooling;
 *   <li><b>the combine</b> ({@link #combine}): the exact pooling of one round's site answers;
 *   <li><b>the rounds</b> ({@link #driver}): what each round of fan-out asks the nodes and what the pooled answers
 *       of a round lead to, the next round or the result. Most analyses take one round and keep the default, which
 *       asks the request as it is and answers with the combine of its answers. An iterative one (a GLM fitted by
 *       IRLS) returns a driver of its own that sends the current estimates in each round; nodes keep no state.
 * </ul>
 *
 * <p>A unit is stateless and shared by every request; the state of one request's rounds is in its driver. To add an
 * analysis, write its unit in a package of its own and list it in the registry.
 */
public abstract class CoordinatorAnalysis {
  private final Analysis.KindCase kind;
  private final AnalysisResult.KindCase siteResultKind;

  /**
   * @param kind the analysis this unit runs
   * @param siteResultKind the kind of result a site answers with: the pooled kind, or a site's part of it (a glm
   *     round's statistics, a table for chi-squared)
   */
  protected CoordinatorAnalysis(Analysis.KindCase kind, AnalysisResult.KindCase siteResultKind) {
    this.kind = kind;
    this.siteResultKind = siteResultKind;
  }

  /** The analysis this unit runs. */
  public final Analysis.KindCase kind() {
    return kind;
  }

  /** The kind of result a site answers with. */
  public final AnalysisResult.KindCase siteResultKind() {
    return siteResultKind;
  }

  /**
   * What is wrong with one site's answer, if anything; called by {@link #problem} only for a result of
   * {@link #siteResultKind}.
   *
   * @param requested what this round asked the site (for a multi-round analysis, that round's analysis)
   * @param declared the dataset as the node declares it, when known: variables and their levels
   */
  protected abstract Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared,
      AnalysisResult site);

  /**
   * Pools the answers of the sites to one round, exactly; every one has passed {@link #checkSite}, and there is at
   * least one. Throws {@link IllegalArgumentException}, saying why, when they cannot be pooled.
   */
  public abstract AnalysisResult combine(Analysis requested, List<AnalysisResult> sites);

  /**
   * {@code pooled} without what it shows of the sites {@code nodeIds} (sites whose nodes keep their values for
   * pooling only). Most pooled results show no site's values and are returned as they are; a unit whose pooled
   * result lists per-site values (the meta-analysis's site estimates) removes those of these sites.
   */
  public AnalysisResult withholding(AnalysisResult pooled, Set<String> nodeIds) {
    return pooled;
  }

  /**
   * The rounds of one request: by default a single round that asks {@code requested} and combines the answers.
   * Throws {@link IllegalArgumentException}, saying why, for a request this unit cannot run; the researcher gets
   * INVALID_ARGUMENT and no node is asked.
   */
  public RoundDriver driver(Analysis requested) {
    return RoundDriver.singleRound(this, requested);
  }

  /**
   * What is wrong with a site's answer to {@code requested}: an answer of another kind than
   * {@link #siteResultKind}, or what {@link #checkSite} finds.
   */
  public final Optional<String> problem(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    if (site.getKindCase() != siteResultKind) {
      String sent = site.getKindCase() == AnalysisResult.KindCase.KIND_NOT_SET ? "empty"
          : site.getKindCase().name().toLowerCase(Locale.ROOT);
      return Optional.of((sent.equals("empty") ? "an " : "a ") + sent + " result was sent for a "
          + requested.getKindCase().name().toLowerCase(Locale.ROOT) + " request");
    }
    return checkSite(requested, declared, site);
  }
}
