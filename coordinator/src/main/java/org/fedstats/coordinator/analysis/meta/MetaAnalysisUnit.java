package org.fedstats.coordinator.analysis.meta;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.MetaResult;
import org.fedstats.proto.v1.MetaTerm;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.PooledEstimate;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.stats.meta.MetaAnalysis;
import org.fedstats.stats.meta.MetaAnalysisResult;
import org.fedstats.stats.meta.RemlControl;
import org.fedstats.stats.meta.SiteCoefficients;

/**
 * Study-level meta-analysis in one round: each site fits the model on its own records and answers with its
 * coefficients and standard errors; every coefficient is pooled by fixed-effect (inverse variance) and
 * random-effects (DerSimonian-Laird and REML) meta-analysis, with Cochran's Q, its p value and I².
 *
 * <p>REML uses {@link RemlControl#METAFOR}, the Fisher scoring settings of R's {@code metafor::rma} (threshold 1e-5,
 * at most 100 iterations), so that the results match metafor's digit for digit rather than a tighter optimum.
 *
 * <p>Every site must report the same terms. Partial pooling applies as to any single-round analysis: when the
 * researcher allows it, the meta-analysis is over the sites that answered, each term listing those sites' node ids.
 */
public final class MetaAnalysisUnit extends CoordinatorAnalysis {
  public MetaAnalysisUnit() {
    super(Analysis.KindCase.META, AnalysisResult.KindCase.MODEL_FIT);
  }

  @Override
  public RoundDriver driver(Analysis requested) {
    GlmAnalysis model = requested.getMeta().getModel();
    if (model.getFormula().isBlank()) {
      throw new IllegalArgumentException("a meta-analysis needs a model formula");
    }
    if (model.getFamily() == GlmFamily.GLM_FAMILY_UNSPECIFIED || model.getFamily() == GlmFamily.UNRECOGNIZED) {
      throw new IllegalArgumentException("a meta-analysis needs a model family: binomial, poisson or gaussian");
    }
    if (model.getCoefficientsCount() > 0 || model.getNullModel() || model.hasNullMean()) {
      throw new IllegalArgumentException("a meta-analysis model must not carry coefficients, null_model or "
          + "null_mean");
    }
    return RoundDriver.singleRound(requested, answered -> pool(requested,
        answered.stream().map(SiteOutcome::getNodeId).toList(),
        answered.stream().map(SiteOutcome::getResult).toList()));
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    ModelFit fit = site.getModelFit();
    if (fit.getCoefficientsCount() == 0) {
      return Optional.of("a model fit without coefficients");
    }
    if (new HashSet<>(fit.getCoefficientsList().stream().map(Coefficient::getTerm).toList()).size()
        != fit.getCoefficientsCount()) {
      return Optional.of("a model fit naming a term twice");
    }
    for (Coefficient c : fit.getCoefficientsList()) {
      if (c.getTerm().isBlank()) {
        return Optional.of("a model fit with a term without a name");
      }
      if (!Double.isFinite(c.getEstimate()) || !Double.isFinite(c.getStdError()) || !(c.getStdError() > 0)) {
        return Optional.of("a model fit whose estimate or standard error of " + c.getTerm()
            + " is not a finite number (a positive one for the standard error)");
      }
    }
    return Optional.empty();
  }

  /** The meta-analysis of the sites' fits, without their node ids (see {@link #pool}). */
  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    return pool(requested, List.of(), sites);
  }

  /**
   * The meta-analysis of the sites' fits; {@code nodeIds} name them in the same order (empty: unnamed). Throws
   * {@link IllegalArgumentException} when the sites report different terms.
   */
  public static AnalysisResult pool(Analysis requested, List<String> nodeIds, List<AnalysisResult> sites) {
    List<SiteCoefficients> each = new ArrayList<>();
    for (AnalysisResult r : sites) {
      List<Coefficient> cs = r.getModelFit().getCoefficientsList();
      each.add(SiteCoefficients.ofStandardErrors(cs.stream().map(Coefficient::getTerm).toList(),
          cs.stream().mapToDouble(Coefficient::getEstimate).toArray(),
          cs.stream().mapToDouble(Coefficient::getStdError).toArray()));
    }
    Map<String, MetaAnalysisResult> terms = MetaAnalysis.analyseTerms(each, MetaAnalysis.DEFAULT_LEVEL,
        RemlControl.METAFOR);
    GlmAnalysis model = requested.getMeta().getModel();
    MetaResult.Builder b = MetaResult.newBuilder().setFormula(model.getFormula())
        .setFamily(model.getFamily().name().toLowerCase(Locale.ROOT));
    for (Map.Entry<String, MetaAnalysisResult> e : terms.entrySet()) {
      MetaAnalysisResult m = e.getValue();
      MetaTerm.Builder t = MetaTerm.newBuilder().setTerm(e.getKey()).addAllNodeIds(nodeIds)
          .setFixed(estimate(m.fixed().pooled(), 0))
          .setDersimonianLaird(estimate(m.derSimonianLaird().pooled(), m.derSimonianLaird().tau2()))
          .setReml(estimate(m.reml().pooled(), m.reml().tau2()))
          .setQ(m.fixed().q()).setQPValue(m.fixed().qPValue()).setI2(m.fixed().i2());
      for (SiteCoefficients s : each) {
        t.addSiteEstimates(s.get(e.getKey()).estimate()).addSiteVariances(s.get(e.getKey()).variance());
      }
      b.addTerms(t);
    }
    return AnalysisResult.newBuilder().setMeta(b).build();
  }

  /** The meta-analysis without the site estimates and variances (and node ids) of {@code nodeIds}. */
  @Override
  public AnalysisResult withholding(AnalysisResult pooled, Set<String> nodeIds) {
    MetaResult.Builder b = pooled.getMeta().toBuilder().clearTerms();
    for (MetaTerm term : pooled.getMeta().getTermsList()) {
      MetaTerm.Builder t = term.toBuilder().clearNodeIds().clearSiteEstimates().clearSiteVariances();
      for (int i = 0; i < term.getSiteEstimatesCount(); i++) {
        // Rows without a node id cannot be told apart: all are withheld.
        if (i < term.getNodeIdsCount() && !nodeIds.contains(term.getNodeIds(i))) {
          t.addNodeIds(term.getNodeIds(i)).addSiteEstimates(term.getSiteEstimates(i))
              .addSiteVariances(term.getSiteVariances(i));
        }
      }
      b.addTerms(t);
    }
    return pooled.toBuilder().setMeta(b).build();
  }

  private static PooledEstimate estimate(org.fedstats.stats.meta.PooledEstimate p, double tau2) {
    return PooledEstimate.newBuilder().setEstimate(p.estimate()).setStdError(p.standardError()).setZ(p.z())
        .setPValue(p.pValue()).setCiLow(p.ciLower()).setCiHigh(p.ciUpper()).setTau2(tau2).build();
  }
}
