package org.fedstats.client.analysis.meta;

import static org.fedstats.client.analysis.Render.number;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.MetaAnalysis;
import org.fedstats.proto.v1.MetaResult;
import org.fedstats.proto.v1.MetaTerm;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.PooledEstimate;

/** Study-level meta-analysis of a GLM: the request, the pooled terms and the sites' own fits. */
public final class MetaUnit implements View<Meta> {
  public static final Unit<Meta> UNIT = new Unit<>("meta", Analysis.KindCase.META, new MetaUnit(),
      MetaCommand.class, false);

  private MetaUnit() {}

  /** Each site fits {@code formula} (passed verbatim) on its own records; the estimates are pooled. */
  public static AnalysisSpec<Meta> spec(String formula, GlmFamily family) {
    Objects.requireNonNull(formula, "formula");
    Objects.requireNonNull(family, "family");
    return UNIT.spec(Analysis.newBuilder().setMeta(MetaAnalysis.newBuilder().setModel(GlmAnalysis.newBuilder()
        .setFormula(formula).setFamily(family))).build());
  }

  @Override
  public Meta decode(AnalysisResult result) {
    return switch (result.getKindCase()) {
      case META -> {
        MetaResult m = result.getMeta();
        yield new Meta(true, m.getFormula(), m.getFamily(), 0, m.getTermsList().stream().map(MetaUnit::term)
            .toList());
      }
      case MODEL_FIT -> {
        ModelFit f = result.getModelFit();
        List<Meta.Term> terms = new ArrayList<>();
        int p = f.getCoefficientsCount();
        for (int i = 0; i < p; i++) {
          Coefficient c = f.getCoefficients(i);
          terms.add(new Meta.Term(c.getTerm(), List.of(), List.of(c.getEstimate()),
              List.of(c.getStdError() * c.getStdError()), null, null, null, Double.NaN, Double.NaN, Double.NaN));
        }
        yield new Meta(false, f.getFormula(), f.getFamily(), f.getN(), terms);
      }
      default -> throw View.unexpected(result, "meta-analysis");
    };
  }

  private static Meta.Term term(MetaTerm t) {
    return new Meta.Term(t.getTerm(), t.getNodeIdsList(), t.getSiteEstimatesList(), t.getSiteVariancesList(),
        pooled(t.getFixed()), pooled(t.getDersimonianLaird()), pooled(t.getReml()), t.getQ(), t.getQPValue(),
        t.getI2());
  }

  private static Meta.Pooled pooled(PooledEstimate e) {
    return new Meta.Pooled(e.getEstimate(), e.getStdError(), e.getZ(), e.getPValue(), e.getCiLow(), e.getCiHigh(),
        e.getTau2());
  }

  @Override
  public String brief(Meta m) {
    if (!m.pooled()) {
      return "n = " + m.n() + ", own fit of " + m.terms().size() + " coefficients";
    }
    return m.terms().size() + " terms pooled";
  }

  /** Per term: the site estimates, then fixed, DL and REML estimates with SE, 95% CI, p and tau², then Q and I². */
  @Override
  public List<String> detail(Meta m) {
    List<String> lines = new ArrayList<>();
    lines.add("formula: " + m.formula() + ", family " + m.family());
    for (Meta.Term t : m.terms()) {
      lines.add(t.term() + ":");
      List<String> sites = new ArrayList<>();
      for (int i = 0; i < t.siteEstimates().size(); i++) {
        sites.add((i < t.nodeIds().size() ? t.nodeIds().get(i) : "site " + (i + 1)) + " "
            + number(t.siteEstimates().get(i)) + " (SE " + number(Math.sqrt(t.siteVariances().get(i))) + ")");
      }
      lines.add("  sites: " + String.join(", ", sites));
      lines.add(String.format("  %-6s %10s %10s %24s %10s %10s", "", "estimate", "SE", "95% CI", "p", "tau2"));
      lines.add(pooledLine("fixed", t.fixed(), false));
      lines.add(pooledLine("DL", t.dersimonianLaird(), true));
      lines.add(pooledLine("REML", t.reml(), true));
      lines.add("  Q = " + number(t.q()) + " (p = " + number(t.qPValue()) + "), I2 = " + number(t.i2()) + "%");
    }
    return lines;
  }

  private static String pooledLine(String name, Meta.Pooled p, boolean random) {
    return String.format("  %-6s %10s %10s %24s %10s %10s", name, number(p.estimate()), number(p.stdError()),
        "[" + number(p.ciLow()) + ", " + number(p.ciHigh()) + "]", number(p.pValue()),
        random ? number(p.tau2()) : "").stripTrailing();
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.string("term"), Column.string("method"), Column.string("node"), Column.float64("estimate"),
        Column.float64("std_error"), Column.float64("z"), Column.float64("p_value"), Column.float64("ci_low"),
        Column.float64("ci_high"), Column.float64("tau2"), Column.float64("q"), Column.float64("q_p_value"),
        Column.float64("i2"));
  }

  /** Per term: a row per site estimate (method "site"), then one per pooling method. */
  @Override
  public List<List<Object>> rows(Meta m) {
    List<List<Object>> rows = new ArrayList<>();
    for (Meta.Term t : m.terms()) {
      for (int i = 0; i < t.siteEstimates().size(); i++) {
        rows.add(Arrays.asList(t.term(), "site", i < t.nodeIds().size() ? t.nodeIds().get(i) : null,
            t.siteEstimates().get(i), Math.sqrt(t.siteVariances().get(i)), null, null, null, null, null, null, null,
            null));
      }
      if (m.pooled()) {
        rows.add(row(t, "fixed", t.fixed()));
        rows.add(row(t, "dersimonian_laird", t.dersimonianLaird()));
        rows.add(row(t, "reml", t.reml()));
      }
    }
    return rows;
  }

  private static List<Object> row(Meta.Term t, String method, Meta.Pooled p) {
    return Arrays.asList(t.term(), method, null, p.estimate(), p.stdError(), p.z(), p.pValue(), p.ciLow(),
        p.ciHigh(), method.equals("fixed") ? null : p.tau2(), t.q(), t.qPValue(), t.i2());
  }
}
