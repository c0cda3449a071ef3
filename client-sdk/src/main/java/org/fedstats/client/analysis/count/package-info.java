/** The count of records in a cohort: {@code Query.count()}, {@code fedstats count colon}. */
package org.fedstats.client.analysis.count;
