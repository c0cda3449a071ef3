/**
 * Results as Apache Arrow tables (IPC file and stream), for researchers who work in R or Python: the same rows as
 * the CLI's CSV, typed, with what was asked in the schema's metadata. Shared by the SDK and the CLI's
 * {@code --format arrow} and {@code --format arrow-stream}.
 */
package org.fedstats.client.arrow;
