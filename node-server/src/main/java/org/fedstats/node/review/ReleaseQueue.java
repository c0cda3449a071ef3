package org.fedstats.node.review;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fedstats.common.io.AtomicFiles;
import org.fedstats.proto.v1.ReviewDecision;
import org.fedstats.proto.v1.ReviewItem;
import org.fedstats.proto.v1.ReviewRelease;

/**
 * A node's release queue: outputs that wait for the data steward's review, in a folder of the node's state
 * ({@code <state-dir>/review}), one file per ticket and stage, each written once and atomically
 * ({@link AtomicFiles#create}), so that no file is ever half-written and none is overwritten:
 * <ul>
 *   <li>{@code <ticket>.item}: the held output, who asked, why it waits (written by the node);
 *   <li>{@code <ticket>.decision}: the steward's approval or denial (written by {@code fedstats-node review}, which may
 *       run while the node runs: the node never writes this file, the steward's command never writes the others);
 *   <li>{@code <ticket>.released}: what the node released for it, once (written by the node when it acts on the
 *       decision).
 * </ul>
 * A ticket is 128 random bits in hexadecimal: unguessable, and the only thing a file name is made of, so that no
 * ticket a caller sends can name a file outside the folder.
 */
public final class ReleaseQueue {
  private static final Pattern TICKET = Pattern.compile("[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String ITEM = ".item";
  static final String DECISION = ".decision";
  static final String RELEASED = ".released";

  private final Path folder;

  /** The queue of a node whose state folder is {@code stateDir}; its folder is made when first written. */
  public ReleaseQueue(Path stateDir) {
    this.folder = stateDir.resolve("review");
  }

  public Path folder() {
    return folder;
  }

  /** Whether {@code ticket} has a ticket's form (it may still name no held output). */
  public static boolean isTicket(String ticket) {
    return ticket != null && TICKET.matcher(ticket).matches();
  }

  /** A new random ticket. */
  public static String newTicket() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Stores a held output under its ticket; throws if it cannot be written durably. */
  public void hold(ReviewItem item) {
    write(item.getTicket(), ITEM, item);
  }

  /** Removes a held output that was never announced (its audit line could not be written). */
  public void discard(String ticket) {
    requireTicket(ticket);
    try {
      Files.deleteIfExists(folder.resolve(ticket + ITEM));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + folder.resolve(ticket + ITEM), e);
    }
  }

  /** Records the steward's decision; an {@link IllegalStateException} if the ticket is unknown or already decided. */
  public void decide(ReviewDecision decision) {
    if (item(decision.getTicket()).isEmpty()) {
      throw new IllegalStateException("no output waits for review under ticket " + decision.getTicket());
    }
    write(decision.getTicket(), DECISION, decision);
  }

  /** Records what was released for a ticket; an {@link IllegalStateException} if it already was. */
  public void release(ReviewRelease release) {
    write(release.getTicket(), RELEASED, release);
  }

  public Optional<ReviewItem> item(String ticket) {
    return read(ticket, ITEM, ReviewItem.parser());
  }

  public Optional<ReviewDecision> decision(String ticket) {
    return read(ticket, DECISION, ReviewDecision.parser());
  }

  public Optional<ReviewRelease> released(String ticket) {
    return read(ticket, RELEASED, ReviewRelease.parser());
  }

  /** The tickets of every held output, oldest first. */
  public List<ReviewItem> items() {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    List<ReviewItem> items = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(ITEM)) {
          read(name.substring(0, name.length() - ITEM.length()), ITEM, ReviewItem.parser()).ifPresent(items::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
    items.sort(java.util.Comparator.comparingLong(ReviewItem::getCreatedEpochMs).thenComparing(ReviewItem::getTicket));
    return items;
  }

  private <T extends Message> Optional<T> read(String ticket, String stage, Parser<T> parser) {
    if (!isTicket(ticket)) {
      return Optional.empty();
    }
    return AtomicFiles.read(folder.resolve(ticket + stage), parser);
  }

  private void write(String ticket, String stage, Message message) {
    requireTicket(ticket);
    Path target = folder.resolve(ticket + stage);
    try {
      AtomicFiles.create(target, message.toByteArray());
    } catch (FileAlreadyExistsException e) {
      throw new IllegalStateException(switch (stage) {
        case DECISION -> "ticket " + ticket + " is already decided";
        case RELEASED -> "ticket " + ticket + " is already released";
        default -> "ticket " + ticket + " is already held";
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  private static void requireTicket(String ticket) {
    if (!isTicket(ticket)) {
      throw new IllegalArgumentException("not a review ticket: 32 hexadecimal digits");
    }
  }
}
