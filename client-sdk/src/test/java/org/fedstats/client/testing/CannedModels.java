package org.fedstats.client.testing;

import java.util.ArrayList;
import java.util.List;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.ChiSquaredResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.CorrelationResult;
import org.fedstats.proto.v1.CorrelationStats;
import org.fedstats.proto.v1.GlmRoundStats;
import org.fedstats.proto.v1.LinearModelStats;
import org.fedstats.proto.v1.MetaResult;
import org.fedstats.proto.v1.MetaTerm;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.PooledEstimate;
import org.fedstats.proto.v1.Refusal;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;

/**
 * Hand-made answers to the model and test analyses (lm, glm, chisq, correlation, meta), for a {@link FakeCoordinator}:
 * three sites' own answers (sufficient statistics, tables, site fits) and a pooled result; the dataset "partial"
 * gets an answer, a refusal and no pooled value. A glm whose weights are "nonconverging" did not converge.
 */
public final class CannedModels {
  public static final List<String> COLON_TERMS = List.of("(Intercept)", "rxLev", "rxLev+5FU", "sex", "age", "nodes",
      "obstruct");

  private CannedModels() {}

  /** A binomial fit of status on rx, sex, age, nodes and obstruct; {@code converged} false: stopped at 25. */
  public static ModelFit glmFit(String formula, boolean converged) {
    double[][] c = {{-0.5237, 0.3124, -1.676, 0.0937}, {-0.0421, 0.1631, -0.258, 0.7964},
        {-0.6452, 0.1683, -3.834, 1.26e-04}, {-0.0322, 0.1374, -0.234, 0.8147}, {0.00114, 0.00589, 0.194, 0.8462},
        {0.1903, 0.0256, 7.434, 1.05e-13}, {0.2551, 0.1752, 1.456, 0.1454}};
    ModelFit.Builder f = ModelFit.newBuilder().setFormula(formula).setFamily("binomial").setStatisticName("z")
        .setN(911).setDfResidual(904).setDfNull(910).setDeviance(1184.52).setNullDeviance(1262.86).setAic(1198.52)
        .setIterations(converged ? 4 : 25).setConverged(converged).setSigma(Double.NaN).setRSquared(Double.NaN)
        .setAdjRSquared(Double.NaN).setFStatistic(Double.NaN).setFPValue(Double.NaN);
    for (int i = 0; i < c.length; i++) {
      f.addCoefficients(Coefficient.newBuilder().setTerm(COLON_TERMS.get(i)).setEstimate(c[i][0])
          .setStdError(c[i][1]).setStatistic(c[i][2]).setPValue(c[i][3]));
    }
    return f.build();
  }

  public static ModelFit lmFit(String formula) {
    double[][] c = {{1784.29, 197.85, 9.018, 1.2e-18}, {-0.953, 2.871, -0.332, 0.7400},
        {39.02, 65.77, 0.593, 0.5531}, {-58.93, 7.02, -8.395, 1.8e-16}, {16.4, 79.6, 0.206, 0.8368},
        {251.2, 79.9, 3.144, 0.00172}};
    List<String> terms = List.of("(Intercept)", "age", "sex", "nodes", "rxLev", "rxLev+5FU");
    ModelFit.Builder f = ModelFit.newBuilder().setFormula(formula).setFamily("gaussian (lm)")
        .setStatisticName("t").setN(911).setDfResidual(905).setDfNull(910).setDeviance(5.87e8)
        .setNullDeviance(6.48e8).setAic(Double.NaN).setSigma(805.6).setRSquared(0.0946).setAdjRSquared(0.0896)
        .setFStatistic(18.91).setFPValue(4.3e-18).setConverged(true);
    for (int i = 0; i < c.length; i++) {
      f.addCoefficients(Coefficient.newBuilder().setTerm(terms.get(i)).setEstimate(c[i][0]).setStdError(c[i][1])
          .setStatistic(c[i][2]).setPValue(c[i][3]));
    }
    return f.build();
  }

  /** Three sites' answers and the pooled result for the analysis asked. */
  public static List<AnalysisResult> results(AnalysisRequest request) {
    var a = request.getAnalysis();
    return switch (a.getKindCase()) {
      case LM -> {
        List<AnalysisResult> l = new ArrayList<>();
        for (long n : new long[] {303, 304, 304}) {
          l.add(AnalysisResult.newBuilder().setLmStats(LinearModelStats.newBuilder().setN(n)
              .addAllColumns(List.of("(Intercept)", "age", "sex", "nodes", "rxLev", "rxLev+5FU"))).build());
        }
        l.add(AnalysisResult.newBuilder().setModelFit(lmFit(a.getLm().getFormula())).build());
        yield l;
      }
      case GLM -> {
        List<AnalysisResult> l = new ArrayList<>();
        for (double[] s : new double[][] {{303, 401.2}, {304, 389.9}, {304, 393.4}}) {
          l.add(AnalysisResult.newBuilder().setGlmRound(GlmRoundStats.newBuilder().setN((long) s[0])
              .addAllColumns(COLON_TERMS).setDeviance(s[1])).build());
        }
        l.add(AnalysisResult.newBuilder().setModelFit(glmFit(a.getGlm().getFormula(),
            !a.getGlm().getWeights().equals("nonconverging"))).build());
        yield l;
      }
      case CHISQ -> List.of(table(1, false), table(2, false), table(3, false), table(6, true));
      case CORRELATION -> {
        List<String> v = a.getCorrelation().getVariablesList();
        List<AnalysisResult> l = new ArrayList<>();
        for (long n : new long[] {300, 301, 302}) {
          CorrelationStats.Builder s = CorrelationStats.newBuilder().setN(n).addAllVariables(v);
          v.forEach(x -> s.addMean(50 + n % 7));
          l.add(AnalysisResult.newBuilder().setCorrelationStats(s).build());
        }
        int k = v.size();
        CorrelationResult.Builder c = CorrelationResult.newBuilder().setPooled(CorrelationStats.newBuilder()
            .setN(903).addAllVariables(v));
        for (int i = 0; i < k; i++) {
          c.getPooledBuilder().addMean(10.0 * (i + 1));
          for (int j = 0; j < k; j++) {
            double r = i == j ? 1 : -0.0928 * (1 + Math.min(i, j) + Math.max(i, j));
            c.addCorrelation(r).addCovariance(r * 12.5).addPValue(i == j ? Double.NaN : 0.00513 * (i + j));
          }
        }
        l.add(AnalysisResult.newBuilder().setCorrelation(c).build());
        yield l;
      }
      case META -> {
        List<AnalysisResult> l = new ArrayList<>();
        List<String> terms = List.of("(Intercept)", "rxLev", "rxLev+5FU", "age");
        for (int s = 0; s < 3; s++) {
          ModelFit.Builder f = ModelFit.newBuilder().setFormula(a.getMeta().getModel().getFormula())
              .setFamily("binomial").setStatisticName("z").setN(303 + s);
          for (int i = 0; i < terms.size(); i++) {
            f.addCoefficients(Coefficient.newBuilder().setTerm(terms.get(i)).setEstimate(0.1 * i - 0.05 * s)
                .setStdError(0.2 + 0.01 * i));
          }
          l.add(AnalysisResult.newBuilder().setModelFit(f).build());
        }
        MetaResult.Builder m = MetaResult.newBuilder().setFormula(a.getMeta().getModel().getFormula())
            .setFamily("binomial");
        for (int i = 0; i < terms.size(); i++) {
          double se = 0.2 + 0.01 * i;
          m.addTerms(MetaTerm.newBuilder().setTerm(terms.get(i)).addAllNodeIds(List.of("site1", "site2", "site3"))
              .addAllSiteEstimates(List.of(0.1 * i, 0.1 * i - 0.05, 0.1 * i - 0.1))
              .addAllSiteVariances(List.of(se * se, se * se, se * se))
              .setFixed(estimate(0.1 * i - 0.05, se / Math.sqrt(3), 0))
              .setDersimonianLaird(estimate(0.1 * i - 0.05, se / Math.sqrt(3) * 1.1, 0.0021 * i))
              .setReml(estimate(0.1 * i - 0.05, se / Math.sqrt(3) * 1.05, 0.0017 * i))
              .setQ(0.19 + i).setQPValue(0.91 - 0.2 * i).setI2(i == 0 ? 0 : 12.5 * i));
        }
        l.add(AnalysisResult.newBuilder().setMeta(m).build());
        yield l;
      }
      default -> throw new IllegalArgumentException(a.getKindCase().name());
    };
  }

  private static PooledEstimate estimate(double estimate, double se, double tau2) {
    return PooledEstimate.newBuilder().setEstimate(estimate).setStdError(se).setZ(estimate / se)
        .setPValue(0.0123).setCiLow(estimate - 1.959964 * se).setCiHigh(estimate + 1.959964 * se).setTau2(tau2)
        .build();
  }

  /** rx by status, k times a base table; the pooled one is the chi-squared result (small expected counts). */
  private static AnalysisResult table(long k, boolean pooled) {
    List<String> rows = List.of("Obs", "Lev", "Lev+5FU");
    List<String> columns = List.of("0", "1");
    TableResult.Builder t = TableResult.newBuilder().setRowVariable("rx").setColumnVariable("status")
        .addAllRowLevels(rows).addAllColumnLevels(columns);
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < columns.size(); c++) {
        t.addCells(TableCell.newBuilder().setRow(rows.get(r)).setColumn(columns.get(c)).setCount(k * (10 * r + c)));
      }
    }
    if (!pooled) {
      return AnalysisResult.newBuilder().setTable(t).build();
    }
    return AnalysisResult.newBuilder().setChisq(ChiSquaredResult.newBuilder().setTable(t).setStatistic(12.2664)
        .setDf(2).setPValue(0.002167).setSmallExpected(true)).build();
  }

  public static AnalysisResponse answer(AnalysisRequest request) {
    List<AnalysisResult> site = results(request);
    AnalysisResponse.Builder b = AnalysisResponse.newBuilder().setRequestId("req-" + request.getDataset());
    b.addSites(SiteOutcome.newBuilder().setNodeId("site1").setStatus(SiteOutcome.Status.ANSWERED)
        .setResult(site.get(0)).setLatencyMs(12.5));
    if (request.getDataset().equals("partial")) {
      b.addSites(SiteOutcome.newBuilder().setNodeId("site2").setStatus(SiteOutcome.Status.REFUSED)
          .setRefusal(Refusal.newBuilder().setRule("model-residual-df").setThreshold(10)
              .setReason("too few residual degrees of freedom")).setLatencyMs(7.25));
      b.setPooledNote("no pooled value: 1 of 2 sites did not answer (site2 refused: model-residual-df)");
    } else {
      b.addSites(SiteOutcome.newBuilder().setNodeId("site2").setStatus(SiteOutcome.Status.ANSWERED)
          .setResult(site.get(1)).setLatencyMs(7.25));
      b.addSites(SiteOutcome.newBuilder().setNodeId("site3").setStatus(SiteOutcome.Status.ANSWERED)
          .setResult(site.get(2)).setLatencyMs(9));
      b.setPooledAvailable(true).setPooled(site.get(3)).setPooledNote("pooled over all 3 sites")
          .addAllPooledNodeIds(List.of("site1", "site2", "site3"));
    }
    return b.setRounds(request.getAnalysis().hasGlm() ? 4 : 1).build();
  }

}
