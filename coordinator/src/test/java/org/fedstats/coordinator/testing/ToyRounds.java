package org.fedstats.coordinator.testing;

import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.GlmRoundStats;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.RoundProgress;
import org.fedstats.proto.v1.SiteOutcome;

/**
 * A toy multi-round analysis, registered in tests only, carried as glm: round 0 asks without coefficients; each
 * later round asks with one coefficient, the pooled (summed) deviance of the round before; after {@code rounds}
 * rounds it is done, with that pooled deviance as its one estimate. Nodes answer with {@link #answer}.
 */
public final class ToyRounds extends CoordinatorAnalysis {
  private final int rounds;

  public ToyRounds(int rounds) {
    super(Analysis.KindCase.GLM, AnalysisResult.KindCase.GLM_ROUND);
    this.rounds = rounds;
  }

  /** A site's toy answer to a round: half the coefficient it was sent (0 in round 0) plus its own {@code value}. */
  public static AnalysisResult answer(Analysis round, double value) {
    double sent = round.getGlm().getCoefficientsCount() == 0 ? 0 : round.getGlm().getCoefficients(0);
    return AnalysisResult.newBuilder().setGlmRound(GlmRoundStats.newBuilder().setN(1).setDeviance(sent / 2 + value))
        .build();
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    return Double.isFinite(site.getGlmRound().getDeviance()) ? Optional.empty()
        : Optional.of("a round whose deviance is not a finite number");
  }

  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    return AnalysisResult.newBuilder().setGlmRound(GlmRoundStats.newBuilder()
        .setN(sites.stream().mapToLong(s -> s.getGlmRound().getN()).sum())
        .setDeviance(sites.stream().mapToDouble(s -> s.getGlmRound().getDeviance()).sum())).build();
  }

  @Override
  public RoundDriver driver(Analysis requested) {
    if (requested.getGlm().getFormula().isEmpty()) {
      throw new IllegalArgumentException("the toy analysis needs a formula");
    }
    return new RoundDriver() {
      private Analysis current;
      private int done;
      private double previous = Double.NaN;

      @Override
      public Analysis firstRound() {
        current = requested.toBuilder().setGlm(requested.getGlm().toBuilder().clearCoefficients()).build();
        return current;
      }

      @Override
      public Step next(List<SiteOutcome> answered) {
        double deviance = combine(current, answered.stream().map(SiteOutcome::getResult).toList()).getGlmRound()
            .getDeviance();
        RoundProgress progress = RoundProgress.newBuilder().setStage("toy").setDeviance(deviance)
            .setRelativeChange(Math.abs(deviance - previous) / (Math.abs(deviance) + 0.1)).build();
        previous = deviance;
        if (++done < rounds) {
          current = current.toBuilder().setGlm(current.getGlm().toBuilder().clearCoefficients()
              .addCoefficients(deviance)).build();
          return new Continue(current, progress);
        }
        return new Done(AnalysisResult.newBuilder().setModelFit(ModelFit.newBuilder().setIterations(done)
            .setConverged(true).addCoefficients(Coefficient.newBuilder().setTerm("x").setEstimate(deviance)))
            .build(), "converged after " + done + " rounds", Optional.of(progress));
      }
    };
  }
}
