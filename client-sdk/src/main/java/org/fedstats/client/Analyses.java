package org.fedstats.client;

import java.util.List;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.chisq.ChiSquaredUnit;
import org.fedstats.client.analysis.correlation.CorrelationUnit;
import org.fedstats.client.analysis.count.CountUnit;
import org.fedstats.client.analysis.histogram.HistogramUnit;
import org.fedstats.client.analysis.glm.GlmUnit;
import org.fedstats.client.analysis.meta.MetaUnit;
import org.fedstats.client.analysis.lm.LmUnit;
import org.fedstats.client.analysis.summary.SummaryUnit;
import org.fedstats.client.analysis.table.TableUnit;
import org.fedstats.proto.v1.Analysis;

/**
 * The registry of the analyses this client knows, in the order the CLI lists its subcommands. Adding an analysis is
 * a package under {@code org.fedstats.client.analysis} and one line here.
 */
public final class Analyses {
  private static final List<Unit<?>> UNITS = List.of(
      CountUnit.UNIT,
      SummaryUnit.UNIT,
      TableUnit.UNIT,
      HistogramUnit.UNIT,
      LmUnit.UNIT,
      GlmUnit.UNIT,
      ChiSquaredUnit.UNIT,
      CorrelationUnit.UNIT,
      MetaUnit.UNIT);

  private Analyses() {}

  public static List<Unit<?>> all() {
    return UNITS;
  }

  /** The unit of an analysis; {@link IllegalArgumentException} for one this client does not know. */
  public static Unit<?> of(Analysis analysis) {
    return UNITS.stream().filter(u -> u.kind() == analysis.getKindCase()).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(analysis.getKindCase() == Analysis.KindCase.KIND_NOT_SET
            ? "no analysis given" : "this client does not know the " + analysis.getKindCase() + " analysis"));
  }
}
