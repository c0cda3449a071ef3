package org.fedstats.node.analysis;

import java.sql.SQLException;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.proto.v1.Analysis;

/**
 * One analysis, node side: everything the node needs to know about it, in one class of the analysis's own package.
 * The node's gate calls it in this order: {@link #validate} the request against the dataset's declaration (before
 * any data is touched), then {@link #compute} the site's sufficient statistics on the cohort, returning them with a
 * description of what they release (the counts, and a query for the records behind them); the gate then applies
 * disclosure control to that description, checks the released record sets against those released before, audits
 * and replies. Implementations are stateless: a multi-round analysis gets everything it needs for a round in the
 * request.
 *
 * @param <P> the request's parameters once validated (variables resolved against the declaration, and so on)
 */
public interface LocalAnalysis<P> {
  /** The analysis's name on allow-lists, in audit logs and metrics: {@code count}, {@code summary}, ... */
  String id();

  /** The request kind it answers. */
  Analysis.KindCase kind();

  /**
   * Checks the request against the dataset's declared variables (and, where a request carries numbers into the
   * computation, against the dataset's disclosure policy); throws a RequestException saying what is wrong.
   */
  P validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy);

  /** The site's statistics on the cohort, and what they release; SQL through {@code data} only, parameterised. */
  Release compute(P params, LocalData data) throws SQLException;
}
