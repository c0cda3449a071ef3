package org.fedstats.client;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.fedstats.client.Results.Result;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.chisq.ChiSquared;
import org.fedstats.client.analysis.chisq.ChiSquaredUnit;
import org.fedstats.client.analysis.correlation.Correlation;
import org.fedstats.client.analysis.correlation.CorrelationUnit;
import org.fedstats.client.analysis.count.Count;
import org.fedstats.client.analysis.count.CountUnit;
import org.fedstats.client.analysis.histogram.Histogram;
import org.fedstats.client.analysis.histogram.HistogramUnit;
import org.fedstats.client.analysis.meta.Meta;
import org.fedstats.client.analysis.meta.MetaUnit;
import org.fedstats.client.analysis.Family;
import org.fedstats.client.analysis.glm.GlmUnit;
import org.fedstats.client.analysis.lm.LmUnit;
import org.fedstats.client.analysis.ModelFitView;
import org.fedstats.client.analysis.summary.Summary;
import org.fedstats.client.analysis.summary.SummaryUnit;
import org.fedstats.client.analysis.table.Table;
import org.fedstats.client.analysis.table.TableUnit;
import org.fedstats.client.filter.Condition;
import org.fedstats.client.filter.Filters;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.RoundProgress;

/** An immutable query on one dataset: a cohort, options, then one analysis. */
public final class Query {
  private final FederationClient client;
  private final String dataset;
  private final Condition cohort;
  private final boolean allowPartial;
  private final List<String> nodes;
  private final Consumer<RoundProgress> progress;
  private final String project;

  Query(FederationClient client, String dataset, Condition cohort, boolean allowPartial, List<String> nodes) {
    this(client, dataset, cohort, allowPartial, nodes, null, client.project());
  }

  private Query(FederationClient client, String dataset, Condition cohort, boolean allowPartial, List<String> nodes,
      Consumer<RoundProgress> progress, String project) {
    this.project = Objects.requireNonNull(project, "project");
    this.client = client;
    this.dataset = dataset;
    this.cohort = cohort;
    this.allowPartial = allowPartial;
    this.nodes = List.copyOf(nodes);
    this.progress = progress;
  }

  /** Restricts the cohort; successive calls combine with AND. */
  public Query where(Condition condition) {
    return new Query(client, dataset, cohort == null ? condition : cohort.and(condition), allowPartial, nodes,
        progress, project);
  }

  /** Restricts the cohort with a filter expression such as {@code "age >= 60 and rx != Obs"}. */
  public Query where(String expression) {
    return where(Filters.parse(expression));
  }

  /** Pools over the sites that answered even if others refused or failed (the result says which). */
  public Query allowPartial() {
    return new Query(client, dataset, cohort, true, nodes, progress, project);
  }

  /** Asks only these nodes. */
  public Query onNodes(List<String> nodeIds) {
    return new Query(client, dataset, cohort, allowPartial, nodeIds, progress, project);
  }

  /**
   * Tells {@code listener} of each round of a multi-round analysis (glm) as the coordinator completes it, on the
   * calling thread, before the analysis returns its result. Such a query asks over the coordinator's streaming call;
   * one without a listener, or a coordinator that does not offer the stream, gets the same result without progress.
   */
  public Query onProgress(Consumer<RoundProgress> listener) {
    return new Query(client, dataset, cohort, allowPartial, nodes, Objects.requireNonNull(listener, "listener"),
        project);
  }

  /**
   * Asks for {@code projectId}: the approved study the request is made for, which each node checks against its
   * study approvals (a node with approvals answers nothing outside them).
   */
  public Query forProject(String projectId) {
    return new Query(client, dataset, cohort, allowPartial, nodes, progress,
        Objects.requireNonNull(projectId, "projectId"));
  }

  public Result<Count> count() {
    return run(CountUnit.spec());
  }

  public Result<Summary> summary(String variable) {
    return run(SummaryUnit.spec(variable));
  }

  public Result<Table> table(String rowVariable) {
    return table(rowVariable, "");
  }

  public Result<Table> table(String rowVariable, String columnVariable) {
    return run(TableUnit.spec(rowVariable, columnVariable));
  }

  public Result<Histogram> histogram(String variable, List<Double> breaks) {
    return run(HistogramUnit.spec(variable, breaks));
  }

  /** A linear model, e.g. {@code lm("time ~ age + sex + nodes + rx")}; the formula is passed verbatim. */
  public Result<ModelFitView> lm(String formula) {
    return run(LmUnit.spec(formula));
  }

  /** A generalised linear model, e.g. {@code glm("status ~ rx + age", Family.BINOMIAL)}. */
  public Result<ModelFitView> glm(String formula, Family family) {
    return run(GlmUnit.spec(formula, family));
  }

  /** A GLM with prior weights and an offset (each a declared numeric variable, or null for none). */
  public Result<ModelFitView> glm(String formula, Family family, String weights, String offset) {
    return run(GlmUnit.spec(formula, family, weights, offset));
  }

  /** Pearson's chi-squared test of independence of two categorical variables. */
  public Result<ChiSquared> chisq(String rowVariable, String columnVariable) {
    return run(ChiSquaredUnit.spec(rowVariable, columnVariable));
  }

  /** The correlation matrix of two or more numeric variables, with p-values. */
  public Result<Correlation> correlation(List<String> variables) {
    return run(CorrelationUnit.spec(variables));
  }

  /** A study-level meta-analysis: each site fits the GLM on its own records, the estimates are pooled. */
  public Result<Meta> meta(String formula, Family family) {
    return run(MetaUnit.spec(formula, family.proto()));
  }

  /** Runs an analysis of any unit, e.g. {@code query.run(SummaryUnit.spec("age"))}. */
  public <T> Result<T> run(AnalysisSpec<T> spec) {
    return Results.of(client.run(request(spec.analysis()), progress), spec.view());
  }

  /** Runs an analysis message, decoded by the view the registry ({@link Analyses}) has for its kind. */
  public Result<?> run(Analysis analysis) {
    return run(Analyses.of(analysis).spec(analysis));
  }

  /** The request this query would send for {@code analysis}. */
  public AnalysisRequest request(Analysis analysis) {
    AnalysisRequest.Builder b = AnalysisRequest.newBuilder().setDataset(dataset).setAnalysis(analysis)
        .setAllowPartial(allowPartial).addAllNodeIds(nodes).setProject(project);
    if (cohort != null) {
      b.setFilter(cohort.filter());
    }
    return b.build();
  }
}
