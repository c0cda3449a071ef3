package org.fedstats.client;

import java.util.List;
import org.fedstats.client.Results.Count;
import org.fedstats.client.Results.Histogram;
import org.fedstats.client.Results.Result;
import org.fedstats.client.Results.Summary;
import org.fedstats.client.Results.Table;
import org.fedstats.client.filter.Condition;
import org.fedstats.client.filter.Filters;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.TableAnalysis;

/** An immutable query on one dataset: a cohort, options, then one analysis. */
public final class Query {
  private final FederationClient client;
  private final String dataset;
  private final Condition cohort;
  private final boolean allowPartial;
  private final List<String> nodes;

  Query(FederationClient client, String dataset, Condition cohort, boolean allowPartial, List<String> nodes) {
    this.client = client;
    this.dataset = dataset;
    this.cohort = cohort;
    this.allowPartial = allowPartial;
    this.nodes = List.copyOf(nodes);
  }

  /** Restricts the cohort; successive calls combine with AND. */
  public Query where(Condition condition) {
    return new Query(client, dataset, cohort == null ? condition : cohort.and(condition), allowPartial, nodes);
  }

  /** Restricts the cohort with a filter expression such as {@code "age >= 60 and rx != Obs"}. */
  public Query where(String expression) {
    return where(Filters.parse(expression));
  }

  /** Pools over the sites that answered even if others refused or failed (the result says which). */
  public Query allowPartial() {
    return new Query(client, dataset, cohort, true, nodes);
  }

  /** Asks only these nodes. */
  public Query onNodes(List<String> nodeIds) {
    return new Query(client, dataset, cohort, allowPartial, nodeIds);
  }

  public Result<Count> count() {
    return run(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build());
  }

  public Result<Summary> summary(String variable) {
    return run(Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable(variable)).build());
  }

  public Result<Table> table(String rowVariable) {
    return table(rowVariable, "");
  }

  public Result<Table> table(String rowVariable, String columnVariable) {
    return run(Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable(rowVariable)
        .setColumnVariable(columnVariable == null ? "" : columnVariable)).build());
  }

  public Result<Histogram> histogram(String variable, List<Double> breaks) {
    return run(Analysis.newBuilder().setHistogram(HistogramAnalysis.newBuilder().setVariable(variable)
        .addAllBreaks(breaks)).build());
  }

  /** The request this query would send for {@code analysis}. */
  public AnalysisRequest request(Analysis analysis) {
    AnalysisRequest.Builder b = AnalysisRequest.newBuilder().setDataset(dataset).setAnalysis(analysis)
        .setAllowPartial(allowPartial).addAllNodeIds(nodes);
    if (cohort != null) {
      b.setFilter(cohort.filter());
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private <T> Result<T> run(Analysis analysis) {
    return (Result<T>) Results.of(client.run(request(analysis)));
  }
}
