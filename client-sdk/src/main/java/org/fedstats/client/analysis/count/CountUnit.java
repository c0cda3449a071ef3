package org.fedstats.client.analysis.count;

import java.util.List;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountAnalysis;

/** The count of records in the cohort: its request and how its result is read and shown. */
public final class CountUnit implements View<Count> {
  public static final Unit<Count> UNIT = new Unit<>("count", Analysis.KindCase.COUNT, new CountUnit(),
      CountCommand.class, false);

  private CountUnit() {}

  public static AnalysisSpec<Count> spec() {
    return UNIT.spec(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build());
  }

  @Override
  public Count decode(AnalysisResult result) {
    if (!result.hasCount()) {
      throw View.unexpected(result, "count");
    }
    return new Count(result.getCount().getCount());
  }

  @Override
  public String brief(Count value) {
    return "count = " + value.count();
  }

  @Override
  public List<Column> columns() {
    return List.of(Column.int64("count"));
  }

  @Override
  public List<List<Object>> rows(Count value) {
    return List.of(List.of(value.count()));
  }
}
