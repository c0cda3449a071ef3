/**
 * Counts of a numeric variable in given bins: {@code Query.histogram("age", List.of(0.0, 40.0, 100.0))},
 * {@code fedstats histogram colon age --breaks 0,40,100}.
 */
package org.fedstats.client.analysis.histogram;
