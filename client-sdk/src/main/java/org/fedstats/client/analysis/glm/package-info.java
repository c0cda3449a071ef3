/**
 * Generalised linear models fitted over the sites round by round, shown with the model view shared with {@code lm}
 * ({@link org.fedstats.client.analysis.ModelFitView}): {@code Query.glm("status ~ rx + age", Family.BINOMIAL)},
 * {@code fedstats glm colon "status ~ rx + age" --family binomial}.
 */
package org.fedstats.client.analysis.glm;
