package org.fedstats.node.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A node's approvals file, re-read when it changes: each request looks at the file's modification time and size (one
 * {@code stat}), and reads it again when either changed. A file that cannot be read or does not check keeps the
 * approvals read last, and the node logs an error once per change; the file must be readable and valid at start.
 */
public final class ApprovalsFile {
  private static final Logger LOG = Logger.getLogger(ApprovalsFile.class.getName());

  private final Path path;
  private Approvals current;
  private Stamp stamp;

  private record Stamp(java.time.Instant modified, long size, Object key) {}

  private ApprovalsFile(Path path, Approvals current, Stamp stamp) {
    this.path = path;
    this.current = current;
    this.stamp = stamp;
  }

  /** Reads {@code path}; throws when it cannot be read or does not check (the node does not start). */
  public static ApprovalsFile open(Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    Approvals approvals = Approvals.read(path);
    return new ApprovalsFile(path, approvals, stamp(path));
  }

  public Path path() {
    return path;
  }

  /** The approvals in force: the file's, re-read if it changed since, or the last good ones if it is broken. */
  public synchronized Approvals current() {
    Stamp now;
    try {
      now = stamp(path);
    } catch (IOException e) {
      now = new Stamp(java.time.Instant.EPOCH, -1, null);
    }
    if (!now.equals(stamp)) {
      stamp = now;
      try {
        current = Approvals.read(path);
        LOG.info(() -> "approvals reloaded from " + path + ": " + current.projects().size() + " projects");
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.SEVERE, "approvals file " + path + " is not valid; the approvals read before stay in force ("
            + current.projects().size() + " projects): " + e.getMessage());
      }
    }
    return current;
  }

  private static Stamp stamp(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    return new Stamp(a.lastModifiedTime().toInstant(), a.size(), a.fileKey());
  }
}
