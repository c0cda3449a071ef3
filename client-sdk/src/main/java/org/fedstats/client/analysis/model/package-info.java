/**
 * Linear and generalised linear models, two units sharing one view ({@link
 * org.fedstats.client.analysis.model.ModelFitView}): {@code Query.lm("time ~ age + rx")},
 * {@code Query.glm("status ~ rx + age", Family.BINOMIAL)}, {@code fedstats lm colon "time ~ age + rx"},
 * {@code fedstats glm colon "status ~ rx + age" --family binomial}.
 */
package org.fedstats.client.analysis.model;
