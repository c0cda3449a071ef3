package org.fedstats.node.analysis.glm;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.analysis.model.ModelSpec;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.disclosure.Released;
import org.fedstats.node.error.RequestException;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.stats.glm.Family;
import org.fedstats.stats.glm.GlmRequest;
import org.fedstats.stats.glm.GlmRound;
import org.fedstats.stats.glm.GlmRoundStats;

/**
 * Generalised linear model, node side: one IRLS round at the coefficients the coordinator sent (none in round 0:
 * R's starting values), over the cohort's complete cases. The node keeps nothing between rounds. The only numbers
 * a request carries into the computation are the current coefficients (one per design column, finite and bounded
 * by the dataset's {@code max-abs-coefficient}) and the pooled mean response for the null deviance. Every round
 * releases the model's size and the records in each level of its categorical terms and of a binary outcome.
 */
public final class GlmStep implements LocalAnalysis<GlmStep.Params> {
  /** A validated round: the model, its family, and what the round evaluates. */
  public record Params(ModelSpec spec, Family family, GlmRequest request) {}

  @Override
  public String id() {
    return "glm";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.GLM;
  }

  @Override
  public Params validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    GlmAnalysis glm = request.getGlm();
    ModelSpec spec = ModelSpec.of(glm.getFormula(), glm.getWeights(), glm.getOffset(), schema);
    return new Params(spec, family(glm.getFamily()), round(glm, spec, policy));
  }

  /** The family a request names. */
  public static Family family(GlmFamily family) {
    return switch (family) {
      case BINOMIAL -> Family.BINOMIAL;
      case POISSON -> Family.POISSON;
      case GAUSSIAN -> Family.GAUSSIAN;
      default -> throw RequestException.invalid("a glm needs a family: binomial, poisson or gaussian");
    };
  }

  /**
   * {@code sink}, after refusing a response the family cannot model (as R's glm stops: a binomial response outside
   * [0, 1], a negative Poisson count), without telling which record or value.
   */
  public static ModelSpec.RowSink checkedResponse(Family family, ModelSpec spec, ModelSpec.RowSink sink) {
    String response = spec.design().formula().response();
    String familyName = family.name().toLowerCase(Locale.ROOT);
    return (x, y, weight, offset) -> {
      if (!family.validResponse(y)) {
        throw RequestException.failedPrecondition("a " + familyName + " model needs a response " + family.responseRule()
            + "; " + response + " has other values at this site");
      }
      sink.accept(x, y, weight, offset);
    };
  }

  private static GlmRequest round(GlmAnalysis glm, ModelSpec spec, DisclosurePolicy policy) {
    double nullMean = glm.hasNullMean() ? glm.getNullMean() : Double.NaN;
    if (Double.isInfinite(nullMean)) {
      throw RequestException.invalid("the null mean must be a finite number");
    }
    if (glm.getCoefficientsCount() == 0) {
      if (glm.getNullModel()) {
        throw RequestException.invalid("a null-model round needs its intercept");
      }
      return GlmRequest.start();
    }
    // A null-model round carries the intercept, or, in its first round, the full model's coefficients: R starts the
    // intercept-only fit with an offset at the full fit's fitted values.
    int expected = glm.getNullModel() && glm.getCoefficientsCount() == 1 ? 1 : spec.parameters();
    if (glm.getCoefficientsCount() != expected) {
      throw RequestException.invalid("the round carries " + glm.getCoefficientsCount() + " coefficients; the "
          + (glm.getNullModel() ? "null model has 1 (or, in its first round, the model's " + expected + ")"
              : "model has " + expected));
    }
    double[] beta = new double[expected];
    for (int i = 0; i < expected; i++) {
      double b = glm.getCoefficients(i);
      if (!Double.isFinite(b) || Math.abs(b) > policy.maxAbsCoefficient()) {
        throw RequestException.invalid("coefficients must be finite and at most " + policy.maxAbsCoefficient()
            + " in absolute value (the dataset's max-abs-coefficient)");
      }
      beta[i] = b;
    }
    return new GlmRequest(beta, glm.getNullModel(), nullMean);
  }

  @Override
  public Release compute(Params p, LocalData data) throws SQLException {
    // In an intercept-only round the accumulator uses a column of ones whatever the design row; it needs the
    // design's width for the round that evaluates the full model's coefficients.
    GlmRound.Accumulator acc = new GlmRound.Accumulator(p.family(), p.spec().parameters(), p.request());
    List<Released> released = p.spec().read(data, checkedResponse(p.family(), p.spec(), acc::add));
    GlmRoundStats s = acc.result();
    org.fedstats.proto.v1.GlmRoundStats.Builder b = org.fedstats.proto.v1.GlmRoundStats.newBuilder()
        .setN(s.n()).setDeviance(s.deviance()).setAicPart(s.aicSum()).setSumWeights(s.sumWeights())
        .setSumWeightedResponse(s.sumWeightedY()).setSumLogWeights(s.sumLogWeights()).setPearson(s.pearson())
        .setNullDeviance(s.nullDeviance()).setInvalidRows(s.invalidRows())
        // Every row has the offset the model names (R fits the null model with any offset given, even zeros); the
        // count of rows whose offset is not zero would be a count of records that no disclosure rule checks.
        .setOffsetRows(p.spec().hasOffset() ? s.n() : 0);
    if (p.request().interceptOnly()) {
      b.addColumns("(Intercept)");
    } else {
      b.addAllColumns(p.spec().design().columns());
    }
    for (double v : s.xtwx()) {
      b.addXtwx(v);
    }
    for (double v : s.xtwz()) {
      b.addXtwz(v);
    }
    return new Release(AnalysisResult.newBuilder().setGlmRound(b).build(), released,
        List.of(p.spec().estimationSample(data)));
  }
}
