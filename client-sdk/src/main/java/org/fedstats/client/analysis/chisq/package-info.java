/** Chi-squared tests of independence: {@code Query.chisq("rx", "status")}, {@code fedstats chisq colon rx status}. */
package org.fedstats.client.analysis.chisq;
