/**
 * Study-level meta-analysis of a GLM: {@code Query.meta("status ~ rx + age", Family.BINOMIAL)},
 * {@code fedstats meta colon "status ~ rx + age" --family binomial}.
 */
package org.fedstats.client.analysis.meta;
