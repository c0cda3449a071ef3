package org.fedstats.client.analysis.summary;

import static org.fedstats.client.analysis.Render.number;

import java.util.List;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.SummaryResult;

/** The summary of a numeric variable: its request and how its result is read and shown. */
public final class SummaryUnit implements View<Summary> {
  public static final Unit<Summary> UNIT = new Unit<>("summary", Analysis.KindCase.SUMMARY, new SummaryUnit(),
      SummaryCommand.class, false);

  private SummaryUnit() {}

  public static AnalysisSpec<Summary> spec(String variable) {
    return UNIT.spec(Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable(variable)).build());
  }

  @Override
  public Summary decode(AnalysisResult result) {
    if (!result.hasSummary()) {
      throw View.unexpected(result, "summary");
    }
    SummaryResult s = result.getSummary();
    return new Summary(s.getN(), s.getMissing(), s.getMean(), s.getVariance());
  }

  @Override
  public String brief(Summary s) {
    return "n = " + s.n() + ", missing = " + s.missing() + ", mean = " + number(s.mean()) + ", variance = "
        + number(s.variance()) + ", sd = " + number(s.sd());
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.int64("n"), Column.int64("missing"), Column.float64("mean"), Column.float64("variance"));
  }

  @Override
  public List<List<Object>> rows(Summary s) {
    return List.of(List.of(s.n(), s.missing(), s.mean(), s.variance()));
  }
}
