/**
 * Generalised linear models (binomial/logit, poisson/log, gaussian/identity) fitted by IRLS with stateless nodes,
 * reproducing R's {@code glm.fit} and {@code summary.glm}.
 *
 * <p><b>Node side:</b> {@link org.fedstats.stats.glm.GlmRound} — one IRLS round over a site's rows, a pure function
 * of the rows, the {@link org.fedstats.stats.glm.Family} and the round's {@link org.fedstats.stats.glm.GlmRequest}
 * (the coefficients, or none for round 0, which starts from R's {@code mustart}). It returns
 * {@link org.fedstats.stats.glm.GlmRoundStats}: X'WX and X'Wz with the IRLS working weights and response, the
 * deviance, AIC part and Pearson statistic at the round's coefficients, and what the null deviance needs.
 *
 * <p><b>Coordinator side:</b> {@link org.fedstats.stats.glm.GlmRoundStats#plus} pools the sites' round statistics
 * exactly; {@link org.fedstats.stats.glm.Irls} is the state machine that decides the next request or the
 * {@link org.fedstats.stats.glm.GlmFit}. {@link org.fedstats.stats.glm.PooledGlm} is the single-process baseline on
 * all rows through the same code path.
 */
package org.fedstats.stats.glm;
