/**
 * Study-level meta-analysis (DataSHIELD's SLMA): each site fits a model on its own rows and shares, per coefficient,
 * its estimate and variance; the coordinator pools them by inverse-variance weighting, with a fixed-effect model
 * ({@link org.fedstats.stats.meta.FixedEffect}) and random-effects models whose between-site variance τ² is estimated
 * by DerSimonian–Laird or REML ({@link org.fedstats.stats.meta.RandomEffects}), as {@code metafor::rma} does with
 * {@code method = "FE"}, {@code "DL"} and {@code "REML"} (Wald-type z tests and normal confidence intervals).
 *
 * <p>Entry points: {@link org.fedstats.stats.meta.MetaAnalysis#analyse(java.util.List)} for one coefficient and
 * {@link org.fedstats.stats.meta.MetaAnalysis#analyseTerms(java.util.List)} for every coefficient of a model.
 */
package org.fedstats.stats.meta;
