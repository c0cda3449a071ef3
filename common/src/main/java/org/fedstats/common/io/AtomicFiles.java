package org.fedstats.common.io;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Files written whole or not at all: the bytes go to a temporary file in the target's folder, are forced to disk,
 * and only then take the target's name; the folder is forced too. A crash leaves the old state or the new one, never
 * half of a file; a leftover temporary file starts with a dot and ends in {@code .tmp}, and is never read.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code target} once: a {@link FileAlreadyExistsException} if it exists already, also when another process
   * writes it at the same moment (the name is taken by a hard link, which never replaces a file).
   */
  public static void create(Path target, byte[] bytes) throws IOException {
    Path temp = temp(target, bytes);
    try {
      Files.createLink(target, temp);
      forceFolder(target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Writes {@code target}, replacing what it held. */
  public static void replace(Path target, byte[] bytes) throws IOException {
    Path temp = temp(target, bytes);
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceFolder(target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * The message in {@code file}, empty when there is no such file; an {@link UncheckedIOException} saying the file
   * is damaged when it does not parse (a file written here is whole, so that is damage, not a crash).
   */
  public static <T extends MessageLite> Optional<T> read(Path file, Parser<T> parser) {
    try {
      return Optional.of(parser.parseFrom(Files.readAllBytes(file)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (InvalidProtocolBufferException e) {
      throw new UncheckedIOException("the state file " + file + " is damaged", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static Path temp(Path target, byte[] bytes) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temp = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  private static void forceFolder(Path target) {
    try (FileChannel folder = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      folder.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some systems cannot force a folder; the file itself was forced.
    }
  }
}
