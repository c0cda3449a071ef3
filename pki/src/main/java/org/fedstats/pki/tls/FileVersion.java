package org.fedstats.pki.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * What tells one version of a file from another without reading it: its identity (inode), modification time and
 * size. A file replaced by a rename (the safe way to update it) has a new identity even within the same second.
 */
final class FileVersion {
  private FileVersion() {}

  /** The version of {@code file} now; a missing or unreadable file has a version of its own. */
  static Object of(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
    } catch (IOException e) {
      return List.of("missing");
    }
  }
}
