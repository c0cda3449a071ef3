package org.fedstats.node.overlap;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * One dataset version's released record sets on disk, append-only: a header, then one record per set, each its
 * length (4 bytes), the CRC-32C of its bytes (4 bytes) and the bitmap in RoaringBitmap's portable format. Appends
 * are forced to disk before they return. A last record cut short by a crash (short, or failing its checksum) is
 * dropped at the next open; a bad record followed by others is damage the node will not guess past. A set is read
 * back when a check needs it; only where each one lies, and its size, are kept in memory.
 */
final class SetFile implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SetFile.class.getName());
  private static final byte[] MAGIC = "fedstats released sets v1\n".getBytes(StandardCharsets.US_ASCII);
  private static final int RECORD_HEADER = 8;

  /** Where a set's record lies in the file, and the set's size. */
  private record Record(SetFile file, long offset, int length, long cardinality) implements SetIndex.Stored {
    @Override
    public RoaringBitmap load() {
      try {
        return file.read(offset, length, null);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the node state file " + file.path, e);
      }
    }
  }

  private final Path path;
  private final FileChannel channel;

  private SetFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  Path path() {
    return path;
  }

  /**
   * Opens (or creates) the file and lists the sets it holds, in the order they were written, dropping a torn last
   * record.
   */
  static SetFile open(Path path, List<SetIndex.Stored> into) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    SetFile file = new SetFile(path, channel);
    try {
      long size = channel.size();
      if (size < MAGIC.length) {
        // New, or its header was being written when the node stopped: nothing was ever remembered in it.
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(MAGIC), 0);
        channel.force(true);
      } else {
        byte[] magic = new byte[MAGIC.length];
        readFully(channel, ByteBuffer.wrap(magic), 0);
        if (!Arrays.equals(magic, MAGIC)) {
          throw new IOException(path + " is not a file of released record sets");
        }
        long end = file.readAll(size, into);
        if (end < size) {
          LOG.warning("dropping an incomplete last record of " + path + " (" + (size - end) + " bytes; the node "
              + "stopped while writing it, before answering)");
          channel.truncate(end);
          channel.force(true);
        }
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return file;
  }

  /** Lists every whole record; returns where the good records end. */
  private long readAll(long size, List<SetIndex.Stored> into) throws IOException {
    long at = MAGIC.length;
    ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
    while (at < size) {
      if (size - at < RECORD_HEADER) {
        return at;
      }
      readFully(channel, header.clear(), at);
      int length = header.getInt(0);
      long next = at + RECORD_HEADER + length;
      if (length < 0 || next > size) {
        return at;
      }
      RoaringBitmap set = read(at, length, header.getInt(4));
      if (set == null) {
        if (next == size) {
          return at;
        }
        throw new IOException(path + " is damaged at byte " + at + " (a record fails its checksum and others "
            + "follow); restore it from a backup, or move it away to start the dataset's record of releases anew");
      }
      into.add(new Record(this, at, length, set.getLongCardinality()));
      at = next;
    }
    return at;
  }

  /**
   * The set of the record at {@code offset}; null if it fails {@code checksum} (null: the checksum in the record's
   * header, which it must then match, or the file changed under the node).
   */
  private RoaringBitmap read(long offset, int length, Integer checksum) throws IOException {
    ByteBuffer body = ByteBuffer.allocate(length);
    readFully(channel, body, offset + RECORD_HEADER);
    CRC32C crc = new CRC32C();
    crc.update(body.array());
    int expected;
    if (checksum != null) {
      expected = checksum;
    } else {
      ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
      readFully(channel, header, offset);
      expected = header.getInt(4);
    }
    if ((int) crc.getValue() != expected) {
      if (checksum != null) {
        return null;
      }
      throw new IOException(path + " changed under the node at byte " + offset);
    }
    RoaringBitmap set = new RoaringBitmap();
    set.deserialize(body.flip());
    return set;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  /** Appends {@code sets}, each a record, and forces them to disk; returns where they lie. */
  List<SetIndex.Stored> append(List<RoaringBitmap> sets) throws IOException {
    if (sets.isEmpty()) {
      return List.of();
    }
    long start = channel.size();
    List<SetIndex.Stored> records = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    CRC32C crc = new CRC32C();
    for (RoaringBitmap set : sets) {
      RoaringBitmap compact = set.clone();
      compact.runOptimize();
      ByteBuffer body = ByteBuffer.allocate(compact.serializedSizeInBytes());
      compact.serialize(body);
      crc.reset();
      crc.update(body.array());
      records.add(new Record(this, start + bytes.size(), body.capacity(), compact.getLongCardinality()));
      out.writeInt(body.capacity());
      out.writeInt((int) crc.getValue());
      out.write(body.array());
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer, start + buffer.position());
      }
      channel.force(false);
    } catch (IOException e) {
      // What was written in part is no record: cut it off so that the next append starts clean.
      try {
        channel.truncate(start);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    return records;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
