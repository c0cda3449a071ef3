package org.fedstats.node.disclosure.noise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.fedstats.node.state.RecordLog;

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
 * <p>File format: {@value #FILE_NAME} in the given directory, a {@link RecordLog} (append-only, one checksummed
 * UTF-8 line per spend, forced, locked), each record {@code v1<TAB>time<TAB>researcher<TAB>dataset<TAB>epsilon<TAB>
 * delta<TAB>requestId}, the three names URL-encoded (so no line break or tab can appear inside a field) and ε, δ as
 * plain decimals. When the ledger is opened, totals are rebuilt from the file. A last record that is incomplete or
 * fails its checksum (a write torn by a crash: its spend never returned, so its answer was never released) is
 * dropped; a damaged record before the last one means the file was altered, and opening fails rather than
 * under-counting what was spent.
 *
 * <p>Budgets come from a {@link BudgetPolicy}; the request id is recorded for the audit trail and not checked for
 * uniqueness (a request that releases several noisy values may spend several times).
 */
public final class PrivacyLedger implements AutoCloseable {
  /** The ledger's file name inside its directory. */
  public static final String FILE_NAME = "privacy-ledger.log";
  private static final String VERSION = "v1";
  private static final int FIELDS = 7;

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

  private final BudgetPolicy policy;
  private final Clock clock;
  private final RecordLog log;
  private final Map<Key, PrivacyCost> spent;

  private PrivacyLedger(BudgetPolicy policy, Clock clock, RecordLog log, Map<Key, PrivacyCost> spent) {
    this.policy = policy;
    this.clock = clock;
    this.log = log;
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
    Map<Key, PrivacyCost> spent = new HashMap<>();
    RecordLog log = RecordLog.open(directory.resolve(FILE_NAME), "privacy ledger",
        "it would under-count what was spent", payload -> {
          Spend s = parse(payload);
          if (s != null) {
            spent.merge(new Key(s.researcher, s.dataset), s.cost, PrivacyCost::plus);
          }
          return s != null;
        });
    return new PrivacyLedger(policy, clock, log, spent);
  }

  private record Spend(String researcher, String dataset, PrivacyCost cost) {}

  /** A record's payload, or null if it is not one. */
  private static Spend parse(String payload) {
    String[] f = payload.split("\t", -1);
    if (f.length != FIELDS || !f[0].equals(VERSION)) {
      return null;
    }
    try {
      return new Spend(RecordLog.text(f[2]), RecordLog.text(f[3]),
          new PrivacyCost(new BigDecimal(f[4]), new BigDecimal(f[5])));
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
    return log.file();
  }

  private PrivacyCost budget(String researcher, String dataset) {
    PrivacyCost budget = policy.budget(researcher, dataset);
    return budget == null ? PrivacyCost.ZERO : budget;
  }

  private void append(String researcher, String dataset, PrivacyCost cost, String requestId) {
    log.append(String.join("\t", VERSION, Instant.now(clock).toString(), RecordLog.field(researcher),
        RecordLog.field(dataset), cost.epsilon().toPlainString(), cost.delta().toPlainString(),
        RecordLog.field(requestId)));
  }

  @Override
  public synchronized void close() throws IOException {
    log.close();
  }
}
