package org.fedstats.coordinator.analysis.chisq;

import org.fedstats.common.Contract;

import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.coordinator.analysis.table.TableUnit;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.ChiSquaredAnalysis;
import org.fedstats.proto.v1.ChiSquaredResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;
import org.fedstats.stats.table.ChiSquaredTest;
import org.fedstats.stats.table.CountTable;

/**
 * Pearson's chi-squared test of independence (R's {@code chisq.test(table(a, b), correct = FALSE)}) in one round:
 * the sites answer with their two-way table, checked and pooled as the table analysis does; the records with no
 * value (the {@value Contract#MISSING_LEVEL} row and column) are left out, as R's {@code table()} leaves NA out,
 * and the test is computed from the pooled cells. Rows or columns with no records at all are left out of the test.
 */
public final class ChiSquaredUnit extends CoordinatorAnalysis {
  public ChiSquaredUnit() {
    super(Analysis.KindCase.CHISQ, AnalysisResult.KindCase.TABLE);
  }

  @Override
  public RoundDriver driver(Analysis requested) {
    ChiSquaredAnalysis asked = requested.getChisq();
    if (asked.getRowVariable().isEmpty() || asked.getColumnVariable().isEmpty()) {
      throw new IllegalArgumentException("a chi-squared test needs a row and a column variable");
    }
    return super.driver(requested);
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    ChiSquaredAnalysis asked = requested.getChisq();
    return TableUnit.check(asked.getRowVariable(), asked.getColumnVariable(), declared, site.getTable());
  }

  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    TableResult pooled = withoutMissing(TableUnit.pool(sites.stream().map(AnalysisResult::getTable).toList()));
    List<String> rows = pooled.getRowLevelsList();
    List<String> columns = pooled.getColumnLevelsList();
    long[][] counts = new long[rows.size()][columns.size()];
    for (TableCell c : pooled.getCellsList()) {
      counts[rows.indexOf(c.getRow())][columns.indexOf(c.getColumn())] = c.getCount();
    }
    org.fedstats.stats.table.ChiSquaredResult test;
    try {
      test = ChiSquaredTest.independence(new CountTable(rows, columns, counts));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("the pooled count exceeds " + Long.MAX_VALUE);
    }
    return AnalysisResult.newBuilder().setChisq(ChiSquaredResult.newBuilder().setTable(pooled)
        .setStatistic(test.statistic()).setDf(test.df()).setPValue(test.pValue())
        .setSmallExpected(test.lowExpected())).build();
  }

  /** The table without its missing-value row and column. */
  static TableResult withoutMissing(TableResult t) {
    TableResult.Builder b = t.toBuilder().clearRowLevels().clearColumnLevels().clearCells();
    t.getRowLevelsList().stream().filter(l -> !l.equals(Contract.MISSING_LEVEL)).forEach(b::addRowLevels);
    t.getColumnLevelsList().stream().filter(l -> !l.equals(Contract.MISSING_LEVEL)).forEach(b::addColumnLevels);
    t.getCellsList().stream().filter(c -> !c.getRow().equals(Contract.MISSING_LEVEL)
        && !c.getColumn().equals(Contract.MISSING_LEVEL)).forEach(b::addCells);
    return b.build();
  }
}
