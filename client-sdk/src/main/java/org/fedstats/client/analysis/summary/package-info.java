/** n, missing, mean and variance of a numeric variable: {@code Query.summary("age")}, {@code fedstats summary colon age}. */
package org.fedstats.client.analysis.summary;
