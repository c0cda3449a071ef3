package org.fedstats.node.analysis.summary;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.analysis.Variables;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.disclosure.Released;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.SummaryResult;

/**
 * Summary, node side: n, missing, mean and M2 (sum of squared deviations from the mean) of a numeric variable,
 * the sufficient statistics of an exactly pooled mean and variance. Releases a summary resting on n values and a
 * missing-value count, and the magnitude behind the mean (its total and two largest contributions, as absolute
 * values: for a variable with negative values the dominance and p% rules then apply to the sizes of the
 * contributions) for the magnitude rules of the dataset's profile.
 */
public final class SummaryStep implements LocalAnalysis<Variable> {
  @Override
  public String id() {
    return "summary";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.SUMMARY;
  }

  @Override
  public Variable validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    return Variables.numeric(schema, request.getSummary().getVariable(), "summary");
  }

  @Override
  public Release compute(Variable v, LocalData data) throws SQLException {
    // Two passes: the mean first, then the sum of squared deviations from it (numerically stable M2).
    String sql = "WITH c AS (SELECT " + data.dialect().toDouble(v.sqlIdentifier()) + " AS v FROM " + data.table()
        + " WHERE " + data.cohortSql() + "), "
        + "m AS (SELECT count(v) AS n, count(*) - count(v) AS missing, avg(v) AS mu FROM c) "
        + "SELECT m.n, m.missing, m.mu, (SELECT sum((c.v - m.mu) * (c.v - m.mu)) FROM c), "
        + "(SELECT sum(abs(c.v)) FROM c), "
        + "(SELECT abs(c.v) FROM c WHERE c.v IS NOT NULL ORDER BY abs(c.v) DESC LIMIT 1), "
        + "(SELECT abs(c.v) FROM c WHERE c.v IS NOT NULL ORDER BY abs(c.v) DESC LIMIT 1 OFFSET 1) FROM m";
    long n;
    long missing;
    double mean;
    double m2;
    Released.Magnitude magnitude;
    try (PreparedStatement ps = data.prepare(sql, data.cohortParams()); ResultSet rs = ps.executeQuery()) {
      rs.next();
      n = rs.getLong(1);
      missing = rs.getLong(2);
      mean = rs.getDouble(3);
      m2 = rs.getDouble(4);
      // getDouble reads SQL NULL (no values, or only one) as 0.
      magnitude = new Released.Magnitude(rs.getDouble(5), rs.getDouble(6), rs.getDouble(7));
    }
    return new Release(AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder()
            .setN(n).setMissing(missing).setMean(mean).setM2(m2)
            .setVariance(n > 1 ? m2 / (n - 1) : Double.NaN)).build(),
        List.of(new Released.SummaryN(n), new Released.Cells("missing-value count", new long[] {missing}),
            magnitude),
        List.of(data.recordSets(List.of(), List.of(), v.sqlIdentifier() + " IS NOT NULL")));
  }
}
