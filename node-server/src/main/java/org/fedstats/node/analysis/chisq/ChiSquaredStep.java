package org.fedstats.node.analysis.chisq;

import java.sql.SQLException;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.analysis.table.TableStep;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.error.RequestException;
import org.fedstats.proto.v1.Analysis;

/**
 * Chi-squared test, node side: the site's two-way table of the two variables (the test itself is computed by the
 * coordinator from the pooled cells). Releases every cell, exactly as a table does, so the test discloses no more
 * than the table.
 */
public final class ChiSquaredStep implements LocalAnalysis<TableStep.Params> {
  @Override
  public String id() {
    return "chisq";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.CHISQ;
  }

  @Override
  public TableStep.Params validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    var row = TableStep.tabulable(schema, request.getChisq().getRowVariable());
    var column = TableStep.tabulable(schema, request.getChisq().getColumnVariable());
    if (row.equals(column)) {
      throw RequestException.invalid("a chi-squared test needs two different variables");
    }
    return new TableStep.Params(row, column);
  }

  @Override
  public Release compute(TableStep.Params params, LocalData data) throws SQLException {
    return TableStep.release(params, data, TableStep.tabulate(params, data));
  }
}
