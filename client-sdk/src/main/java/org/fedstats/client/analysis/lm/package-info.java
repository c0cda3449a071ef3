/**
 * Linear regression pooled exactly from the sites' cross-products, shown with the model view shared with {@code glm}
 * ({@link org.fedstats.client.analysis.ModelFitView}): {@code Query.lm("time ~ age + rx")},
 * {@code fedstats lm colon "time ~ age + rx"}.
 */
package org.fedstats.client.analysis.lm;
