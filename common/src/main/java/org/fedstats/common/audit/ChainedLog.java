package org.fedstats.common.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An append-only log of JSON lines in which each line carries the SHA-256 of the line before it ({@value #PREV}),
 * so that editing, deleting, inserting or reordering any line breaks the chain at that point, which
 * {@link ChainVerifier} finds. Every line is forced to disk before {@link #append} returns.
 *
 * <p>The chain proves the log's history up to its head; someone able to rewrite the whole file could also rewrite
 * the chain, so the head ({@link #head()}) is meant to be kept elsewhere too (the coordinator records each node's
 * head with every answer).
 *
 * <p>A line torn by a crash while it was written (no newline at the end of the file) is closed at the next open and
 * followed by a {@code torn-line} entry, so the chain goes on over it and a verifier reports it as such.
 */
public final class ChainedLog implements AutoCloseable {
  /** The field holding the previous line's hash; the first line's is {@link #GENESIS}. */
  public static final String PREV = "prev";
  /** The previous-line hash of a log's first line. */
  public static final String GENESIS = "0".repeat(64);

  /**
   * Every character outside ASCII is written as a JSON escape, so a line shows as written in any terminal or log
   * viewer: a name with a bidi override (U+202E) or a line separator in a request cannot disguise an entry.
   */
  static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .build();

  private final Path path;
  private final FileChannel channel;
  private String head;
  private long lines;

  private ChainedLog(Path path, FileChannel channel, String head, long lines) {
    this.path = path;
    this.channel = channel;
    this.head = head;
    this.lines = lines;
  }

  /** Opens (or creates) the log at {@code path} and finds the chain's head from its last line. */
  public static ChainedLog open(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    try {
      Tail tail;
      try (FileChannel reading = FileChannel.open(path, StandardOpenOption.READ)) {
        tail = Tail.read(reading);
      }
      ChainedLog log = new ChainedLog(path, channel, tail.lastLineHash(), tail.lines());
      if (tail.torn()) {
        log.write("\n".getBytes(StandardCharsets.US_ASCII));
        ObjectNode note = JSON.createObjectNode();
        note.put("time", Instant.now().toString());
        note.put("event", "torn-line");
        note.put("detail", "line " + tail.lines() + " was cut short (the process stopped while writing it); "
            + "that request was not answered");
        log.append(note);
      }
      return log;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  /** The hash of the last line written (the chain's head), or {@link #GENESIS} for an empty log. */
  public synchronized String head() {
    return head;
  }

  /** The number of lines in the log. */
  public synchronized long lines() {
    return lines;
  }

  /** Appends {@code entry} as one line, its {@value #PREV} field set to the chain's head, and forces it to disk. */
  public synchronized String append(Object entry) {
    ObjectNode node = JSON.valueToTree(Objects.requireNonNull(entry, "entry"));
    if (node.has(PREV)) {
      throw new IllegalArgumentException("an entry cannot set its own " + PREV + " field");
    }
    ObjectNode line = JSON.createObjectNode();
    line.put(PREV, head);
    line.setAll(node);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsString(line).getBytes(StandardCharsets.US_ASCII);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("entry cannot be written as JSON", e);
    }
    byte[] withNewline = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, withNewline, 0, bytes.length);
    withNewline[bytes.length] = '\n';
    try {
      write(withNewline);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write log " + path, e);
    }
    head = sha256(bytes);
    lines++;
    return head;
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    channel.force(false);
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** What the end of an existing log says: its line count, the hash of its last line, and whether it is torn. */
  private record Tail(long lines, String lastLineHash, boolean torn) {
    static Tail read(FileChannel channel) throws IOException {
      long size = channel.size();
      if (size == 0) {
        return new Tail(0, GENESIS, false);
      }
      // One pass over the file: lines are counted and the last one kept (logs are read once, at start).
      long lines = 0;
      ByteArrayOutputStream current = new ByteArrayOutputStream();
      byte[] last = new byte[0];
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      long position = 0;
      while (position < size) {
        buffer.clear();
        int n = channel.read(buffer, position);
        if (n < 0) {
          break;
        }
        position += n;
        for (int i = 0; i < n; i++) {
          byte b = buffer.get(i);
          if (b == '\n') {
            last = current.toByteArray();
            current.reset();
            lines++;
          } else {
            current.write(b);
          }
        }
      }
      if (current.size() > 0) {
        return new Tail(lines + 1, sha256(current.toByteArray()), true);
      }
      return new Tail(lines, sha256(last), false);
    }
  }
}
