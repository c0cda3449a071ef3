package org.fedstats.coordinator.analysis.chisq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.ChiSquaredAnalysis;
import org.fedstats.proto.v1.ChiSquaredResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;
import org.junit.jupiter.api.Test;

class ChiSquaredUnitTest {
  private static final Analysis CHISQ = Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder()
      .setRowVariable("a").setColumnVariable("b")).build();
  private final ChiSquaredUnit unit = new ChiSquaredUnit();

  /** A site's a × b table with rows {x, y, missing} and columns {u, v}, the missing row's counts being m. */
  private static AnalysisResult table(long xu, long xv, long yu, long yv, long m) {
    TableResult.Builder t = TableResult.newBuilder().setRowVariable("a").setColumnVariable("b")
        .addRowLevels("x").addRowLevels("y").addRowLevels("<missing>").addColumnLevels("u").addColumnLevels("v");
    long[][] counts = {{xu, xv}, {yu, yv}, {m, m}};
    String[] rows = {"x", "y", "<missing>"};
    String[] cols = {"u", "v"};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        t.addCells(TableCell.newBuilder().setRow(rows[i]).setColumn(cols[j]).setCount(counts[i][j]));
      }
    }
    return AnalysisResult.newBuilder().setTable(t).build();
  }

  @Test
  void theTestIsOnThePooledCellsWithoutTheMissingLevel() {
    // Pooled [[10, 20], [30, 40]]: expected 12, 18, 28, 42; X² = 4/12 + 4/18 + 4/28 + 4/42.
    ChiSquaredResult r = unit.combine(CHISQ, List.of(table(4, 5, 10, 15, 7), table(6, 15, 20, 25, 100)))
        .getChisq();
    assertThat(r.getStatistic()).isCloseTo(4.0 / 12 + 4.0 / 18 + 4.0 / 28 + 4.0 / 42, within(1e-12));
    assertThat(r.getDf()).isEqualTo(1);
    assertThat(r.getPValue()).isCloseTo(0.372998483613961, within(1e-9));
    assertThat(r.getSmallExpected()).isFalse();
    assertThat(r.getTable().getRowLevelsList()).containsExactly("x", "y");
    assertThat(r.getTable().getCellsList()).extracting(TableCell::getCount).containsExactly(10L, 20L, 30L, 40L);
  }

  @Test
  void aTableWithTooFewNonEmptyRowsCannotBeTested() {
    assertThatThrownBy(() -> unit.combine(CHISQ, List.of(table(4, 5, 0, 0, 7))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedSiteTablesAreProblemsNotExceptions() {
    assertThat(unit.problem(CHISQ, Optional.empty(), table(1, 2, 3, 4, 0))).isEmpty();
    assertThat(unit.problem(CHISQ, Optional.empty(), table(1, 2, -3, 4, 0))).contains("a table with a negative count");
    AnalysisResult other = AnalysisResult.newBuilder().setTable(table(1, 2, 3, 4, 0).getTable().toBuilder()
        .setColumnVariable("c")).build();
    assertThat(unit.problem(CHISQ, Optional.empty(), other)).contains("a table of other variables than requested");
    AnalysisResult unlisted = AnalysisResult.newBuilder().setTable(table(1, 2, 3, 4, 0).getTable().toBuilder()
        .addCells(TableCell.newBuilder().setRow("z").setColumn("u").setCount(1))).build();
    assertThat(unit.problem(CHISQ, Optional.empty(), unlisted)).get().asString().contains("not listed");
    assertThat(unit.problem(CHISQ, Optional.empty(),
        AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(3)).build()))
        .contains("a count result was sent for a chisq request");
  }

  @Test
  void bothVariablesAreNeeded() {
    assertThatThrownBy(() -> unit.driver(Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder()
        .setRowVariable("a")).build())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a row and a column variable");
  }
}
