/**
 * Model formulas and design matrices shared by the linear and generalised linear models.
 *
 * <p>Both sides use this package. The coordinator parses the researcher's {@link org.fedstats.stats.model.Formula}
 * and builds a {@link org.fedstats.stats.model.Design} from the variables' declared kinds; it sends the formula and
 * the kinds to the nodes. Node side, each site rebuilds the same {@code Design} and turns each of its complete rows
 * into a row of design columns with {@link org.fedstats.stats.model.Design#row(java.util.Map)} (skipping rows for
 * which {@link org.fedstats.stats.model.Design#isComplete(java.util.Map)} is false). Column names and order follow
 * R's {@code model.matrix} with treatment contrasts.
 */
package org.fedstats.stats.model;
