package org.fedstats.node.disclosure.noise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The privacy budget each researcher has spent on each dataset, kept durably so that a restart forgets nothing.
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>{@link #spend} checks and records atomically: concurrent spends from any number of threads never take a
 *       (researcher, dataset) pair past its budget, in ε or in δ (basic composition: ε and δ each add up).</li>
 *   <li>A spend is on disk ({@link FileChannel#force(boolean) force(true)}) before {@code spend} returns; if it
 *       cannot be written the spend fails with {@link UncheckedIOException} and counts for nothing, so the answer
 *       it would pay for must not be released.</li>
 *   <li>Sums are exact decimals: ten spends of 0.1 use exactly 1.</li>
 *   <li>One process at a time: the ledger file is locked while open.</li>
 * </ul>
 *
 * <p>File format: {@value #FILE_NAME} in the given directory, append-only, one UTF-8 line per spend:
 * {@code <crc32c of the rest, 8 hex digits> v1<TAB>time<TAB>researcher<TAB>dataset<TAB>epsilon<TAB>delta<TAB>
 * requestId}, the three names URL-encoded (so no line break or tab can appear inside a field) and ε, δ as plain
 * decimals. When the ledger is opened, totals are rebuilt from the file. A last record that is incomplete or fails
 * its checksum (a write torn by a crash: its spend never returned, so its answer was never released) is dropped
 * and cut from the file; a damaged record before the last one means the file was altered, and opening fails rather
 * than under-counting what was spent.
 *
 * <p>Budgets come from a {@link BudgetPolicy}; the request id is recorded for the audit trail and not checked for
 * uniqueness (a request that releases several noisy values may spend several times).
 */
public final class PrivacyLedger implements AutoCloseable {
  /** The ledger's file name inside its directory. */
  public static final String FILE_NAME = "privacy-ledger.log";
  private static final String VERSION = "v1";
  private static final int FIELDS = 7;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The total privacy budget of a researcher on a dataset. A pair without a budget should get
   * {@link PrivacyCost#ZERO}, which refuses every noisy release.
   */
  @FunctionalInterface
  public interface BudgetPolicy {
    PrivacyCost budget(String researcher, String dataset);

    /** The same budget for every researcher on every dataset. */
    static BudgetPolicy uniform(PrivacyCost budget) {
      Objects.requireNonNull(budget, "budget");
      return (researcher, dataset) -> budget;
    }
  }

  private record Key(String researcher, String dataset) {}

  private final Path file;
  private final BudgetPolicy policy;
  private final Clock clock;
  private final FileChannel channel;
  private final FileLock lock;
  private final Map<Key, PrivacyCost> spent;

  private PrivacyLedger(Path file, BudgetPolicy policy, Clock clock, FileChannel channel, FileLock lock,
      Map<Key, PrivacyCost> spent) {
    this.file = file;
    this.policy = policy;
    this.clock = clock;
    this.channel = channel;
    this.lock = lock;
    this.spent = spent;
  }

  /** Opens (or creates) the ledger in {@code directory}, rebuilding the totals from its file. */
  public static PrivacyLedger open(Path directory, BudgetPolicy policy) throws IOException {
    return open(directory, policy, Clock.systemUTC());
  }

  /** As {@link #open(Path, BudgetPolicy)}, with the clock that stamps records. */
  public static PrivacyLedger open(Path directory, BudgetPolicy policy, Clock clock) throws IOException {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(clock, "clock");
    Files.createDirectories(directory);
    Path file = directory.resolve(FILE_NAME);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IOException("privacy ledger " + file + " is in use by another ledger or process");
      }
      Map<Key, PrivacyCost> spent = new HashMap<>();
      long good = replay(file, channel, spent);
      if (good < channel.size()) {
        channel.truncate(good);
        channel.force(true);
      }
      channel.position(good);
      return new PrivacyLedger(file, policy, clock, channel, lock, spent);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Reads every record into {@code spent}; returns the length of the file's intact part. */
  private static long replay(Path file, FileChannel channel, Map<Key, PrivacyCost> spent) throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("privacy ledger " + file + " is too large to load (" + size + " bytes)");
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
      Spend s = complete ? parse(new String(bytes, start, end - start, StandardCharsets.UTF_8)) : null;
      if (s == null) {
        if (last) {
          return start; // a torn last write: drop it
        }
        throw new IOException("privacy ledger " + file + " is damaged at record " + record
            + ", which is not the last: refusing to open it (it would under-count what was spent)");
      }
      spent.merge(new Key(s.researcher, s.dataset), s.cost, PrivacyCost::plus);
      start = end + 1;
    }
    return start;
  }

  private record Spend(String researcher, String dataset, PrivacyCost cost) {}

  /** A record line, or null if it is damaged. */
  private static Spend parse(String line) {
    int space = line.indexOf(' ');
    if (space != 8) {
      return null;
    }
    String payload = line.substring(space + 1);
    if (!line.substring(0, space).equals(checksum(payload))) {
      return null;
    }
    String[] f = payload.split("\t", -1);
    if (f.length != FIELDS || !f[0].equals(VERSION)) {
      return null;
    }
    try {
      return new Spend(decode(f[2]), decode(f[3]), new PrivacyCost(new BigDecimal(f[4]), new BigDecimal(f[5])));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Records that a request spends {@code cost} of the researcher's budget on the dataset, if it fits.
   *
   * @return what is left after this spend
   * @throws BudgetExceededException if the spend would exceed the budget in ε or δ; nothing is recorded
   * @throws UncheckedIOException if the record cannot be written and forced to disk; nothing is counted
   */
  public synchronized PrivacyCost spend(String researcher, String dataset, PrivacyCost cost, String requestId) {
    Objects.requireNonNull(researcher, "researcher");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(cost, "cost");
    Objects.requireNonNull(requestId, "requestId");
    Key key = new Key(researcher, dataset);
    PrivacyCost budget = budget(researcher, dataset);
    PrivacyCost before = spent.getOrDefault(key, PrivacyCost.ZERO);
    PrivacyCost after = before.plus(cost);
    if (!after.fitsWithin(budget)) {
      throw new BudgetExceededException(researcher, dataset, budget, before, cost);
    }
    append(researcher, dataset, cost, requestId);
    spent.put(key, after);
    return budget.remainingAfter(after);
  }

  /** {@link #spend(String, String, PrivacyCost, String)} with ε and δ given apart. */
  public PrivacyCost spend(String researcher, String dataset, BigDecimal epsilon, BigDecimal delta,
      String requestId) {
    return spend(researcher, dataset, new PrivacyCost(epsilon, delta), requestId);
  }

  /** What the researcher has spent on the dataset so far. */
  public synchronized PrivacyCost spent(String researcher, String dataset) {
    return spent.getOrDefault(new Key(researcher, dataset), PrivacyCost.ZERO);
  }

  /** What is left of the researcher's budget on the dataset. */
  public synchronized PrivacyCost remaining(String researcher, String dataset) {
    return budget(researcher, dataset).remainingAfter(spent(researcher, dataset));
  }

  /** The ledger's file. */
  public Path file() {
    return file;
  }

  private PrivacyCost budget(String researcher, String dataset) {
    PrivacyCost budget = policy.budget(researcher, dataset);
    return budget == null ? PrivacyCost.ZERO : budget;
  }

  private void append(String researcher, String dataset, PrivacyCost cost, String requestId) {
    String payload = String.join("\t", VERSION, Instant.now(clock).toString(), encode(researcher), encode(dataset),
        cost.epsilon().toPlainString(), cost.delta().toPlainString(), encode(requestId));
    byte[] line = (checksum(payload) + " " + payload + "\n").getBytes(StandardCharsets.UTF_8);
    long start;
    try {
      start = channel.position();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write privacy ledger " + file, e);
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException e) {
      try { // leave no partial record behind for the next spend to follow
        channel.truncate(start);
        channel.position(start);
      } catch (IOException ignored) {
        // the next open drops a torn last record anyway
      }
      throw new UncheckedIOException("cannot write privacy ledger " + file, e);
    }
  }

  private static String checksum(String payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload.getBytes(StandardCharsets.UTF_8));
    return HEX.toHexDigits((int) crc.getValue());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
