package org.fedstats.node.analysis.correlation;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.analysis.Variables;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.disclosure.Released;
import org.fedstats.node.error.RequestException;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CorrelationStats;
import org.fedstats.stats.correlation.CoMoments;

/**
 * Correlation, node side: n, means and co-moments (sums of products of deviations from the means) of numeric
 * variables over the cohort's records that have all of them, the sufficient statistics of an exactly pooled
 * covariance and correlation matrix. Releases a summary resting on n records, and how many records it left out for
 * a missing value (which, if small, would tell them apart).
 */
public final class CorrelationStep implements LocalAnalysis<List<Variable>> {
  /** Most variables in one request: the matrix grows with the square. */
  public static final int MAX_VARIABLES = 20;

  @Override
  public String id() {
    return "correlation";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.CORRELATION;
  }

  @Override
  public List<Variable> validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    List<String> names = request.getCorrelation().getVariablesList();
    if (names.size() < 2 || names.size() > MAX_VARIABLES) {
      throw RequestException.invalid("a correlation needs between 2 and " + MAX_VARIABLES + " variables, not "
          + names.size());
    }
    if (new HashSet<>(names).size() != names.size()) {
      throw RequestException.invalid("a correlation names each variable once");
    }
    return names.stream().map(n -> Variables.numeric(schema, n, "correlation")).toList();
  }

  @Override
  public Release compute(List<Variable> variables, LocalData data) throws SQLException {
    String columns = variables.stream().map(v -> data.dialect().toDouble(v.sqlIdentifier()))
        .collect(Collectors.joining(", "));
    String complete = variables.stream().map(v -> v.sqlIdentifier() + " IS NOT NULL")
        .collect(Collectors.joining(" AND "));
    String sql = "SELECT " + columns + " FROM " + data.table() + " WHERE (" + data.cohortSql() + ") AND "
        + complete;
    List<String> names = variables.stream().map(Variable::name).toList();
    CoMoments.Accumulator acc = new CoMoments.Accumulator(names);
    double[] row = new double[variables.size()];
    // Each mean released, times n, is a total: the magnitude rules of the dataset's profile apply to each.
    List<Released.Magnitude.Tally> magnitudes = variables.stream().map(v -> new Released.Magnitude.Tally()).toList();
    try (PreparedStatement ps = data.prepare(sql, data.cohortParams()); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        for (int i = 0; i < row.length; i++) {
          row[i] = rs.getDouble(i + 1);
          magnitudes.get(i).add(row[i]);
        }
        acc.add(row);
      }
    }
    CoMoments m = acc.toCoMoments();
    CorrelationStats.Builder stats = CorrelationStats.newBuilder().setN(m.n()).addAllVariables(names);
    List<Double> comoment = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      stats.addMean(m.mean()[i]);
      for (int j = 0; j < names.size(); j++) {
        comoment.add(m.comoment(i, j));
      }
    }
    stats.addAllComoment(comoment);
    List<Released> released = new ArrayList<>(List.of(new Released.SummaryN(m.n()),
        new Released.Cells("count of records left out for a missing value", new long[] {data.cohortSize() - m.n()})));
    magnitudes.forEach(t -> released.add(t.magnitude()));
    return new Release(AnalysisResult.newBuilder().setCorrelationStats(stats).build(), released,
        List.of(data.recordSets(List.of(), List.of(), complete)));
  }
}
