package org.fedstats.node.audit;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Append-only audit log, one JSON object per line. Every entry is written and forced to disk before the node
 * answers; if it cannot be written, the request fails rather than going unrecorded.
 */
public final class AuditLog implements AutoCloseable {
  /**
   * Every character outside ASCII is written as a JSON escape, so a line shows as written in any terminal or log
   * viewer: a name with a bidi override (U+202E) or a line separator in a request cannot disguise an entry.
   */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .build();

  private final Path path;
  private final FileChannel channel;

  private AuditLog(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  public static AuditLog open(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new AuditLog(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  public Path path() {
    return path;
  }

  /** Appends one entry durably. */
  public synchronized void record(AuditEntry entry) {
    try {
      byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write audit log " + path, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
