package org.fedstats.node.audit;

import java.io.IOException;
import java.nio.file.Path;
import org.fedstats.common.audit.ChainedLog;

/**
 * The node's audit log: one JSON object per line, each carrying the hash of the line before it (a
 * {@link ChainedLog}), so that {@code fedstats-node audit verify} finds any edited, deleted, inserted or reordered
 * entry. Every entry is written and forced to disk before the node answers; if it cannot be written, the request
 * fails rather than going unrecorded.
 */
public final class AuditLog implements AutoCloseable {
  private final ChainedLog log;

  private AuditLog(ChainedLog log) {
    this.log = log;
  }

  public static AuditLog open(Path path) throws IOException {
    return new AuditLog(ChainedLog.open(path));
  }

  public Path path() {
    return log.path();
  }

  /** Appends one entry durably; returns the log's new head (the hash of the entry's line). */
  public String record(AuditEntry entry) {
    return log.append(entry);
  }

  /** The hash of the last entry's line. */
  public String head() {
    return log.head();
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
