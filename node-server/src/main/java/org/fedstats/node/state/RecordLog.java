package org.fedstats.node.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * A durable record of the node's state: an append-only file of UTF-8 lines, each {@code <crc32c of the rest, 8 hex
 * digits> <payload>}, locked while open (one process at a time). Each {@link #append} is forced to disk
 * ({@link FileChannel#force(boolean) force(true)}) before it returns, or fails with {@link UncheckedIOException} and
 * leaves nothing behind. When opened, every record is handed to the caller in order; a last record that is
 * incomplete or fails its checksum (a write torn by a crash: it never returned, so what it recorded was never acted
 * on) is dropped and cut from the file; a damaged record before the last one means the file was altered, and opening
 * fails. {@link #rewrite} replaces the whole file atomically (a new file forced, then renamed over the old one),
 * so that a record that only grows can be kept compact.
 */
public final class RecordLog implements AutoCloseable {
  private static final HexFormat HEX = HexFormat.of();

  private final Path file;
  private final String what;
  private FileChannel channel;
  private FileLock lock;

  private RecordLog(Path file, String what, FileChannel channel, FileLock lock) {
    this.file = file;
    this.what = what;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Opens (or creates) {@code file}, handing each intact record's payload to {@code replay} in order;
   * {@code replay} returns false for a payload it cannot read, which counts as damage. {@code what} names the file
   * in messages ("privacy ledger").
   *
   * @param consequence what a damaged record would cause if skipped, said when opening fails
   */
  public static RecordLog open(Path file, String what, String consequence, Predicate<String> replay)
      throws IOException {
    Objects.requireNonNull(replay, "replay");
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      FileLock lock = lock(channel, what, file);
      long good = replay(file, what, consequence, channel, replay);
      if (good < channel.size()) {
        channel.truncate(good);
        channel.force(true);
      }
      channel.position(good);
      return new RecordLog(file, what, channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static FileLock lock(FileChannel channel, String what, Path file) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new IOException(what + " " + file + " is in use by another process or by this one");
    }
    return lock;
  }

  /** Hands every record to {@code replay}; returns the length of the file's intact part. */
  private static long replay(Path file, String what, String consequence, FileChannel channel,
      Predicate<String> replay) throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException(what + " " + file + " is too large to load (" + size + " bytes)");
    }
    ByteBuffer all = ByteBuffer.allocate((int) size);
    while (all.hasRemaining() && channel.read(all, all.position()) >= 0) {
      // read until full
    }
    byte[] bytes = all.array();
    int start = 0;
    int record = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      record++;
      boolean complete = end < bytes.length;
      boolean last = !complete || end + 1 == bytes.length;
      String payload = complete ? payload(new String(bytes, start, end - start, StandardCharsets.UTF_8)) : null;
      if (payload == null || !replay.test(payload)) {
        if (last) {
          return start; // a torn last write: drop it
        }
        throw new IOException(what + " " + file + " is damaged at record " + record
            + ", which is not the last: refusing to open it (" + consequence + ")");
      }
      start = end + 1;
    }
    return start;
  }

  /** The payload of a record line, or null if its checksum does not match. */
  private static String payload(String line) {
    int space = line.indexOf(' ');
    if (space != 8) {
      return null;
    }
    String payload = line.substring(space + 1);
    return line.substring(0, space).equals(checksum(payload)) ? payload : null;
  }

  private static byte[] line(String payload) {
    if (payload.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a record holds no line break");
    }
    return (checksum(payload) + " " + payload + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Appends one record and forces it to disk; on failure nothing of it stays and it throws. */
  public synchronized void append(String payload) {
    byte[] line = line(payload);
    long start;
    try {
      start = channel.position();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + what + " " + file, e);
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException e) {
      try { // leave no partial record behind for the next append to follow
        channel.truncate(start);
        channel.position(start);
      } catch (IOException ignored) {
        // the next open drops a torn last record anyway
      }
      throw new UncheckedIOException("cannot write " + what + " " + file, e);
    }
  }

  /**
   * Replaces every record by {@code payloads}, atomically: they are written to a new file beside this one, forced,
   * and renamed over it; if anything fails, the old file stays as it was.
   */
  public synchronized void rewrite(List<String> payloads) throws IOException {
    Path fresh = file.resolveSibling(file.getFileName() + ".new");
    try (FileChannel out = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (String p : payloads) {
        ByteBuffer buffer = ByteBuffer.wrap(line(p));
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
      out.force(true);
    }
    lock.release();
    channel.close();
    Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    lock = lock(channel, what, file);
    channel.position(channel.size());
    try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true); // the rename itself
    } catch (IOException ignored) {
      // not every platform opens a directory; the rename is still atomic
    }
  }

  /** {@code text} as one field of a record: URL-encoded, so that no tab or line break appears inside it. */
  public static String field(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** The text of a record's field written by {@link #field}. */
  public static String text(String field) {
    return URLDecoder.decode(field, StandardCharsets.UTF_8);
  }

  /** The file. */
  public Path file() {
    return file;
  }

  private static String checksum(String payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload.getBytes(StandardCharsets.UTF_8));
    return HEX.toHexDigits((int) crc.getValue());
  }

  /** Closes the file and releases its lock; closing it again does nothing (a node may be closed twice). */
  @Override
  public synchronized void close() throws IOException {
    if (!channel.isOpen()) {
      return;
    }
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
