/**
 * Contingency tables: each site tabulates its own rows into a {@link org.fedstats.stats.table.CountTable} of
 * counts, the coordinator adds the sites' tables cell by cell (exact) and tests independence with Pearson's
 * chi-squared test ({@link org.fedstats.stats.table.ChiSquaredTest}), as R's
 * {@code chisq.test(table(x, y), correct = FALSE)}.
 */
package org.fedstats.stats.table;
