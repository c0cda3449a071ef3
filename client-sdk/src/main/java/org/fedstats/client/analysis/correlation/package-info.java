/**
 * Correlation matrices: {@code Query.correlation(List.of("age", "time", "nodes"))},
 * {@code fedstats correlation colon age time nodes}.
 */
package org.fedstats.client.analysis.correlation;
