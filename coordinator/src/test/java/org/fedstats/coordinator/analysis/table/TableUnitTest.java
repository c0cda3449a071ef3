package org.fedstats.coordinator.analysis.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;
import org.fedstats.proto.v1.VariableInfo;
import org.junit.jupiter.api.Test;

class TableUnitTest {
  private static final Analysis TABLE = Analysis.newBuilder()
      .setTable(TableAnalysis.newBuilder().setRowVariable("r").setColumnVariable("c")).build();
  private final TableUnit unit = new TableUnit();

  private static TableResult table(List<String> rows, List<String> cols, long... counts) {
    TableResult.Builder b = TableResult.newBuilder().setRowVariable("r").setColumnVariable("c")
        .addAllRowLevels(rows).addAllColumnLevels(cols);
    int i = 0;
    for (String r : rows) {
      for (String c : cols) {
        b.addCells(TableCell.newBuilder().setRow(r).setColumn(c).setCount(counts[i++]));
      }
    }
    return b.build();
  }

  private static AnalysisResult result(TableResult t) {
    return AnalysisResult.newBuilder().setTable(t).build();
  }

  @Test
  void tableCellsAddOverTheUnionOfLevels() {
    TableResult a = table(List.of("1", "2"), List.of("0", "1"), 10, 20, 30, 40);
    TableResult b = table(List.of("1", "3", "<missing>"), List.of("1"), 11, 12, 13);
    TableResult p = unit.combine(TABLE, List.of(result(a), result(b))).getTable();
    assertThat(p.getRowLevelsList()).containsExactly("1", "2", "3", "<missing>");
    assertThat(p.getColumnLevelsList()).containsExactly("0", "1");
    List<Long> cells = new ArrayList<>();
    p.getCellsList().forEach(c -> cells.add(c.getCount()));
    assertThat(cells).containsExactly(10L, 31L, 30L, 40L, 0L, 12L, 0L, 13L);
    assertThat(TableUnit.mergeLevels(List.of(List.of("10", "9"), List.of("2")))).containsExactly("2", "9", "10");
    assertThat(TableUnit.mergeLevels(List.of(List.of("Obs", "Lev"), List.of("Lev", "Lev+5FU"))))
        .containsExactly("Obs", "Lev", "Lev+5FU");
  }

  @Test
  void aSiteTableMayOnlyHaveDeclaredLevelsEachCellOnce() {
    Optional<DatasetInfo> declared = Optional.of(DatasetInfo.newBuilder()
        .addVariables(VariableInfo.newBuilder().setName("r").setType(VariableInfo.Type.INTEGER))
        .addVariables(VariableInfo.newBuilder().setName("c").setType(VariableInfo.Type.BOOLEAN)).build());
    assertThat(unit.problem(TABLE, declared, result(table(List.of("1", "<missing>"), List.of("true", "false"),
        1, 2, 3, 4)))).isEmpty();
    assertThat(unit.problem(TABLE, declared, result(table(List.of("x"), List.of("true"), 1))))
        .hasValueSatisfying(p -> assertThat(p).contains("row level 'x', which is not a level of r"));
    assertThat(unit.problem(TABLE, declared, result(table(List.of("1"), List.of("true"), -1))))
        .contains("a table with a negative count");
  }
}
