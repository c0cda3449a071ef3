/**
 * Linear models ({@code lm}) by exact pooling of sufficient statistics.
 *
 * <p><b>Node side:</b> {@link org.fedstats.stats.lm.LmStats} — each site adds its complete rows (design row and
 * response) to an {@link org.fedstats.stats.lm.LmStats.Accumulator} and returns n, X'X, X'y, y'y and Σy; nothing
 * row-level leaves the site.
 *
 * <p><b>Coordinator side:</b> {@link org.fedstats.stats.lm.LmStats#plus(LmStats)} pools the sites' statistics exactly
 * and {@link org.fedstats.stats.lm.LinearModel#fit(java.util.List, LmStats)} gives what R's {@code summary(lm(...))}
 * gives. {@link org.fedstats.stats.lm.NormalEquations} is the shared solver (also used by the GLM coordinator).
 */
package org.fedstats.stats.lm;
