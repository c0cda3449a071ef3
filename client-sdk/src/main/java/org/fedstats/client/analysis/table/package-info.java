/** One- or two-way frequency tables: {@code Query.table("rx", "status")}, {@code fedstats table colon rx status}. */
package org.fedstats.client.analysis.table;
