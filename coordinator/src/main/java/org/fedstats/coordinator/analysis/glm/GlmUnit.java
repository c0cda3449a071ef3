package org.fedstats.coordinator.analysis.glm;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.Counts;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.GlmRoundStats;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.RoundProgress;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.stats.glm.Family;
import org.fedstats.stats.glm.GlmFit;
import org.fedstats.stats.glm.GlmRequest;
import org.fedstats.stats.glm.Irls;

/**
 * A generalised linear model fitted by IRLS over the sites, as R's {@code glm()} with its default control (at most
 * 25 iterations, relative deviance change below 1e-8). The nodes keep no state: each round asks every site for its
 * X'WX, X'Wz and deviance at the current coefficients ({@link org.fedstats.stats.glm.Irls} decides them), and the
 * coordinator pools them exactly. After the main loop, the null deviance comes with the last round (or, with an
 * offset, from extra intercept-only rounds, as R fits them).
 *
 * <p>A fit that has not converged after the maximum iterations is returned, as R returns it, with
 * {@code converged = false} and a note saying so (R warns "glm.fit: algorithm did not converge"); R users expect the
 * last iteration's estimates and a warning rather than no result.
 *
 * <p>The researcher's request names the formula, family and optional weights and offset; the coefficients, null
 * model and null mean are the coordinator's to send, so a request carrying any of them is refused.
 */
public final class GlmUnit extends CoordinatorAnalysis {
  public GlmUnit() {
    super(Analysis.KindCase.GLM, AnalysisResult.KindCase.GLM_ROUND);
  }

  @Override
  public RoundDriver driver(Analysis requested) {
    GlmAnalysis glm = requested.getGlm();
    if (glm.getCoefficientsCount() > 0 || glm.getNullModel() || glm.hasNullMean()) {
      throw new IllegalArgumentException("a glm request must not carry coefficients, null_model or null_mean: "
          + "the coordinator sets them in each round");
    }
    if (glm.getFormula().isBlank()) {
      throw new IllegalArgumentException("a glm needs a formula");
    }
    return new Driver(this, glm, family(glm.getFamily()));
  }

  /** The family a request names. */
  static Family family(GlmFamily family) {
    return switch (family) {
      case BINOMIAL -> Family.BINOMIAL;
      case POISSON -> Family.POISSON;
      case GAUSSIAN -> Family.GAUSSIAN;
      default -> throw new IllegalArgumentException("a glm needs a family: binomial, poisson or gaussian");
    };
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    GlmAnalysis asked = requested.getGlm();
    GlmRoundStats s = site.getGlmRound();
    int p = s.getColumnsCount();
    if (p == 0) {
      return Optional.of("glm round statistics without columns");
    }
    if (new HashSet<>(s.getColumnsList()).size() != p) {
      return Optional.of("glm round statistics naming a column twice");
    }
    if (asked.getNullModel() && (p != 1 || !s.getColumns(0).equals("(Intercept)"))) {
      return Optional.of("null-model round statistics with other columns than the intercept");
    }
    if (!asked.getNullModel() && asked.getCoefficientsCount() > 0 && p != asked.getCoefficientsCount()) {
      return Optional.of("glm round statistics with " + p + " columns for " + asked.getCoefficientsCount()
          + " coefficients");
    }
    if (s.getXtwzCount() != p || s.getXtwxCount() != p * p) {
      return Optional.of("glm round statistics whose X'WX is not " + p + "×" + p + " or X'Wz not of length " + p);
    }
    if (s.getN() < 0 || s.getInvalidRows() < 0 || s.getOffsetRows() < 0) {
      return Optional.of("glm round statistics with a negative count");
    }
    if (!finite(s.getXtwxList()) || !finite(s.getXtwzList())
        || !finite(List.of(s.getDeviance(), s.getAicPart(), s.getSumWeights(), s.getSumWeightedResponse(),
            s.getSumLogWeights(), s.getPearson(), s.getNullDeviance()))) {
      return Optional.of("glm round statistics with a number that is not finite");
    }
    if (s.getSumWeights() < 0 || s.getDeviance() < 0 || s.getPearson() < 0 || s.getNullDeviance() < 0) {
      return Optional.of("glm round statistics with a negative sum of weights, deviance or Pearson statistic");
    }
    return Optional.empty();
  }

  private static boolean finite(List<Double> values) {
    return values.stream().allMatch(Double::isFinite);
  }

  /**
   * The sites' round statistics added: every site must have the same design columns in the same order (their
   * declared levels may differ, and then so would their designs).
   */
  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    GlmRoundStats first = sites.getFirst().getGlmRound();
    int p = first.getColumnsCount();
    double[] xtwx = new double[p * p];
    double[] xtwz = new double[p];
    GlmRoundStats.Builder b = GlmRoundStats.newBuilder().addAllColumns(first.getColumnsList());
    long n = 0;
    long invalid = 0;
    long offset = 0;
    for (AnalysisResult r : sites) {
      GlmRoundStats s = r.getGlmRound();
      if (!s.getColumnsList().equals(first.getColumnsList())) {
        throw new IllegalArgumentException("the sites' designs have different columns (" + first.getColumnsList()
            + " and " + s.getColumnsList() + ")");
      }
      if (s.getXtwxCount() != p * p || s.getXtwzCount() != p) {
        throw new IllegalArgumentException("a site's X'WX or X'Wz does not fit its " + p + " columns");
      }
      for (int i = 0; i < p * p; i++) {
        xtwx[i] += s.getXtwx(i);
      }
      for (int i = 0; i < p; i++) {
        xtwz[i] += s.getXtwz(i);
      }
      n = Counts.add(n, s.getN());
      invalid = Counts.add(invalid, s.getInvalidRows());
      offset = Counts.add(offset, s.getOffsetRows());
      b.setDeviance(b.getDeviance() + s.getDeviance()).setAicPart(b.getAicPart() + s.getAicPart())
          .setSumWeights(b.getSumWeights() + s.getSumWeights())
          .setSumWeightedResponse(b.getSumWeightedResponse() + s.getSumWeightedResponse())
          .setSumLogWeights(b.getSumLogWeights() + s.getSumLogWeights()).setPearson(b.getPearson() + s.getPearson())
          .setNullDeviance(b.getNullDeviance() + s.getNullDeviance());
    }
    for (double v : xtwx) {
      b.addXtwx(v);
    }
    for (double v : xtwz) {
      b.addXtwz(v);
    }
    return AnalysisResult.newBuilder().setGlmRound(b.setN(n).setInvalidRows(invalid).setOffsetRows(offset)).build();
  }

  /** The pooled statistics as the IRLS takes them. */
  static org.fedstats.stats.glm.GlmRoundStats stats(GlmRoundStats s) {
    return new org.fedstats.stats.glm.GlmRoundStats(s.getN(), array(s.getXtwxList()), array(s.getXtwzList()),
        s.getDeviance(), s.getAicPart(), s.getPearson(), s.getSumLogWeights(), s.getSumWeights(),
        s.getSumWeightedResponse(), s.getNullDeviance(), s.getInvalidRows(), s.getOffsetRows());
  }

  private static double[] array(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The analysis that asks the nodes for {@code next}: the researcher's model with the round's coefficients. */
  static Analysis round(GlmAnalysis requested, GlmRequest next) {
    GlmAnalysis.Builder b = GlmAnalysis.newBuilder().setFormula(requested.getFormula())
        .setFamily(requested.getFamily()).setWeights(requested.getWeights()).setOffset(requested.getOffset());
    if (next.beta() != null) {
      for (double v : next.beta()) {
        b.addCoefficients(v);
      }
      b.setNullModel(next.interceptOnly());
    }
    if (!Double.isNaN(next.nullMu())) {
      b.setNullMean(next.nullMu());
    }
    return Analysis.newBuilder().setGlm(b).build();
  }

  /** The pooled model of a finished fit. */
  static ModelFit modelFit(GlmAnalysis requested, GlmFit fit) {
    ModelFit.Builder b = ModelFit.newBuilder().setFormula(requested.getFormula())
        .setFamily(fit.family().name().toLowerCase(Locale.ROOT))
        .setStatisticName(fit.family().dispersionFixed() ? "z" : "t").setN(fit.n())
        .setDfResidual(fit.dfResidual()).setDfNull(fit.dfNull()).setDeviance(fit.deviance())
        .setNullDeviance(fit.nullDeviance()).setAic(fit.aic()).setIterations(fit.iterations())
        .setConverged(fit.converged());
    if (!fit.family().dispersionFixed()) {
      b.setSigma(Math.sqrt(fit.dispersion()));
    }
    for (int i = 0; i < fit.columns().size(); i++) {
      b.addCoefficients(Coefficient.newBuilder().setTerm(fit.columns().get(i)).setEstimate(fit.estimates().get(i))
          .setStdError(fit.stdErrors().get(i)).setStatistic(fit.statistics().get(i)).setPValue(fit.pValues().get(i)));
    }
    return b.build();
  }

  /** The rounds of one fit: the IRLS state is here, created once round 0 names the design's columns. */
  private static final class Driver implements RoundDriver {
    private final GlmUnit unit;
    private final GlmAnalysis requested;
    private final Family family;
    private Irls irls;
    private List<String> columns;
    private Analysis current;
    private boolean previousNull;
    private double previousDeviance = Double.NaN;

    Driver(GlmUnit unit, GlmAnalysis requested, Family family) {
      this.unit = unit;
      this.requested = requested;
      this.family = family;
      this.current = Analysis.newBuilder().setGlm(requested).build();
    }

    @Override
    public Analysis firstRound() {
      return current;
    }

    @Override
    public Step next(List<SiteOutcome> answered) {
      GlmRoundStats pooled;
      try {
        pooled = unit.combine(current, answered.stream().map(SiteOutcome::getResult).toList()).getGlmRound();
      } catch (IllegalArgumentException e) {
        return new Fail("the sites' results cannot be pooled: " + e.getMessage());
      }
      boolean nullRound = current.getGlm().getNullModel();
      if (irls == null) {
        columns = List.copyOf(pooled.getColumnsList());
        try {
          irls = new Irls(family, columns);
        } catch (IllegalArgumentException e) {
          return new Fail("the model cannot be fitted: " + e.getMessage());
        }
      } else if (!nullRound && !pooled.getColumnsList().equals(columns)) {
        return new Fail("the sites' design columns changed between rounds (" + columns + ", then "
            + pooled.getColumnsList() + ")");
      }
      Irls.Step step;
      try {
        step = irls.accept(stats(pooled));
      } catch (IllegalArgumentException | IllegalStateException e) {
        return new Fail("the model cannot be fitted: " + e.getMessage());
      }
      double deviance = pooled.getDeviance();
      double change = nullRound == previousNull && !Double.isNaN(previousDeviance)
          ? Math.abs(deviance - previousDeviance) / (Math.abs(deviance) + 0.1) : Double.NaN;
      RoundProgress progress = RoundProgress.newBuilder().setStage(nullRound ? "null model" : "irls")
          .setDeviance(deviance).setRelativeChange(change).build();
      previousNull = nullRound;
      previousDeviance = deviance;
      return switch (step) {
        case Irls.Step.Send send -> {
          current = round(requested, send.request());
          yield new Continue(current, progress);
        }
        case Irls.Step.Done done -> {
          GlmFit fit = done.fit();
          String note = fit.converged() ? "converged after " + fit.iterations() + " iterations"
              : "the fit did not converge after " + fit.iterations() + " iterations (R warns: glm.fit: algorithm "
                  + "did not converge); the estimates are those of the last iteration";
          yield new Done(AnalysisResult.newBuilder().setModelFit(modelFit(requested, fit)).build(), note,
              Optional.of(progress));
        }
      };
    }
  }
}
