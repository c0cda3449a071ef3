package org.fedstats.node.analysis.histogram;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
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
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.HistogramResult;

/**
 * Histogram, node side: counts of a numeric variable in bins [b0, b1), ..., [bk-1, bk], with the values below and
 * above the breaks and the missing ones counted too. Releases every bin and those three counts: "below the first
 * break" is a bin like any other.
 */
public final class HistogramStep implements LocalAnalysis<HistogramStep.Params> {
  public static final int MAX_BREAKS = 201;

  public record Params(Variable variable, List<Double> breaks) {
    public Params {
      breaks = List.copyOf(breaks);
    }
  }

  @Override
  public String id() {
    return "histogram";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.HISTOGRAM;
  }

  @Override
  public Params validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    HistogramAnalysis h = request.getHistogram();
    Variable v = Variables.numeric(schema, h.getVariable(), "histogram");
    List<Double> b = h.getBreaksList();
    if (b.size() < 2 || b.size() > MAX_BREAKS) {
      throw RequestException.invalid("a histogram needs between 2 and " + MAX_BREAKS + " breaks, not " + b.size());
    }
    for (int i = 0; i < b.size(); i++) {
      if (!Double.isFinite(b.get(i))) {
        throw RequestException.invalid("histogram breaks must be finite numbers");
      }
      if (i > 0 && b.get(i) <= b.get(i - 1)) {
        throw RequestException.invalid("histogram breaks must be strictly increasing");
      }
    }
    return new Params(v, b);
  }

  @Override
  public Release compute(Params p, LocalData data) throws SQLException {
    List<Double> breaks = p.breaks();
    int bins = breaks.size() - 1;
    List<Object> params = new ArrayList<>(breaks);
    String sql = "SELECT " + bin("v", bins) + " AS bin, count(*) FROM (SELECT " + value(p, data) + " AS v FROM "
        + data.table() + " WHERE " + data.cohortSql() + ") AS c GROUP BY bin";
    long[] counts = new long[bins];
    long below = 0;
    long above = 0;
    long missing = 0;
    try (PreparedStatement ps = data.prepare(sql, data.withCohortParams(params)); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int bin = rs.getInt(1);
        long n = rs.getLong(2);
        if (bin == -2) {
          missing = n;
        } else if (bin == -1) {
          below = n;
        } else if (bin == bins) {
          above = n;
        } else {
          counts[bin] = n;
        }
      }
    }
    HistogramResult.Builder result = HistogramResult.newBuilder().addAllBreaks(breaks)
        .setBelow(below).setAbove(above).setMissing(missing);
    LongStream.of(counts).forEach(result::addCounts);
    return new Release(AnalysisResult.newBuilder().setHistogram(result).build(),
        List.of(new Released.Cells("histogram bin",
            LongStream.concat(LongStream.of(counts), LongStream.of(below, above, missing)).toArray())),
        List.of(data.recordSets(List.of(bin(value(p, data), bins)), params, "TRUE")));
  }

  private static String value(Params p, LocalData data) {
    return data.dialect().toDouble(p.variable().sqlIdentifier());
  }

  /**
   * The bin of {@code v} (SQL) among {@code bins} bins, the breaks bound in order: -2 missing, -1 below the first
   * break, i for [b_i, b_i+1) (the last bin closed), bins for above.
   */
  private static String bin(String v, int bins) {
    StringBuilder caseExpr = new StringBuilder("CASE WHEN " + v + " IS NULL THEN -2 WHEN " + v + " < ? THEN -1");
    for (int i = 1; i < bins; i++) {
      caseExpr.append(" WHEN ").append(v).append(" < ? THEN ").append(i - 1);
    }
    caseExpr.append(" WHEN ").append(v).append(" <= ? THEN ").append(bins - 1).append(" ELSE ").append(bins)
        .append(" END");
    return caseExpr.toString();
  }
}
