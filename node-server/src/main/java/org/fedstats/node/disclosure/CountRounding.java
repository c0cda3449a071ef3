package org.fedstats.node.disclosure;

import java.util.ArrayList;
import java.util.List;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;

/**
 * The output transformation of a profile that rounds counts (OpenSAFELY's: counts from 1 to 7 redacted, the rest
 * rounded to the nearest multiple of 5, halves up; or, with {@code rounding: midpoint-6}, every count to the
 * midpoint of its bin of 6, nothing redacted, for counts that feed rates): applied at the node to the counts of count, table (and so
 * chi-squared, whose sites answer with their table) and histogram results after they pass the gate, and recorded
 * in the result's {@code rounding} so that the researcher and the coordinator know. Zeros stay zeros. Summaries,
 * correlations and models are released as computed; rates are not rounded.
 */
public final class CountRounding {
  private final OutputRules rules;
  private int redacted;
  private final List<Integer> redactedBins = new ArrayList<>();

  private CountRounding(OutputRules rules) {
    this.rules = rules;
  }

  /** {@code result} as the dataset's rules release it: unchanged unless they round or redact counts. */
  public static AnalysisResult apply(OutputRules rules, AnalysisResult result) {
    if (!rules.transformsCounts()) {
      return result;
    }
    CountRounding r = new CountRounding(rules);
    AnalysisResult.Builder b = result.toBuilder();
    switch (result.getKindCase()) {
      case COUNT -> {
        long c = result.getCount().getCount();
        CountResult.Builder count = CountResult.newBuilder().setCount(r.round(c));
        if (r.redacts(c)) {
          count.setRedacted(true);
        }
        b.setCount(count);
      }
      case TABLE -> b.setTable(r.table(result.getTable()));
      case HISTOGRAM -> b.setHistogram(r.histogram(result.getHistogram()));
      default -> {
        return result;
      }
    }
    return b.setRounding(org.fedstats.proto.v1.CountRounding.newBuilder().setProfile(rules.profile())
        .setRoundedTo(rules.roundTo()).setRedactedAtOrBelow(rules.redactAtOrBelow()).setRedactedCells(r.redacted)
        .addAllRedactedBins(r.redactedBins).setMidpoint(rules.midpoint()))
        .build();
  }

  /** Whether {@code count} is redacted. */
  private boolean redacts(long count) {
    return count > 0 && count <= rules.redactAtOrBelow();
  }

  /** {@code count} as released: 0 when redacted, else rounded to the nearest multiple of {@code round-to}. */
  private long round(long count) {
    if (redacts(count)) {
      redacted++;
      return 0;
    }
    long base = rules.roundTo();
    if (rules.midpoint()) {
      // OpenSAFELY's roundmid_any: ceiling(x / to) * to - floor(to / 2) * (x != 0).
      return count == 0 ? 0 : Math.ceilDiv(count, base) * base - base / 2;
    }
    return Math.floorDiv(count + base / 2, base) * base;
  }

  private TableResult table(TableResult table) {
    TableResult.Builder b = table.toBuilder().clearCells();
    for (TableCell cell : table.getCellsList()) {
      TableCell.Builder c = cell.toBuilder().setCount(round(cell.getCount()));
      if (redacts(cell.getCount())) {
        c.setRedacted(true);
      }
      b.addCells(c);
    }
    return b.build();
  }

  private HistogramResult histogram(HistogramResult h) {
    HistogramResult.Builder b = h.toBuilder().clearCounts();
    for (int i = 0; i < h.getCountsCount(); i++) {
      if (redacts(h.getCounts(i))) {
        redactedBins.add(i);
      }
      b.addCounts(round(h.getCounts(i)));
    }
    return b.setBelow(round(h.getBelow())).setAbove(round(h.getAbove())).setMissing(round(h.getMissing())).build();
  }
}
