/**
 * Pearson correlation over sites: each site accumulates {@link org.fedstats.stats.correlation.CoMoments} (count,
 * means and centred co-moments of k variables over its complete-case rows, updated row by row by Welford's method),
 * the coordinator pools them exactly ({@link org.fedstats.stats.correlation.CoMoments#plus}, Chan, Golub and
 * LeVeque's pairwise update) and derives the covariance and correlation matrices and {@code cor.test}'s t tests
 * ({@link org.fedstats.stats.correlation.Correlation}). No raw sums of squares are ever subtracted.
 */
package org.fedstats.stats.correlation;
