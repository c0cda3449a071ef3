package org.fedstats.node.limits;

import org.fedstats.common.Contract;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.state.RecordLog;

/**
 * The queries each researcher has made of each dataset, against the dataset's {@link QueryLimits}, in sliding
 * windows of the last 60 minutes and the last 24 hours. A query is charged when the node starts it and refunded if
 * it ends neither answered nor refused (a bad request, an error, a caller gone), so concurrent queries cannot
 * overrun a budget. The rounds of one multi-round session are one query: the session is charged at its first
 * round.
 *
 * <p>{@link #open} keeps the budgets in the node's state folder ({@value #FILE_NAME}, a {@link RecordLog}: each
 * charge and refund a checksummed line forced to disk before the query runs or the refund counts), so that a restart
 * resets nothing; the file is rewritten atomically with only the charges of the last 24 hours when opened and
 * whenever it holds more than twice as many records as that (and at least {@value #COMPACT_ABOVE}). Records:
 * {@code v1<TAB>charge<TAB>id<TAB>time<TAB>researcher<TAB>dataset<TAB>session} (names URL-encoded) and
 * {@code v1<TAB>refund<TAB>id}. {@link #QueryBudget(Clock)} keeps them in memory only.
 */
public final class QueryBudget implements AutoCloseable {
  /** The budgets' file name in the node's state folder. */
  public static final String FILE_NAME = "query-budgets.log";
  /** The fewest records at which the file is compacted while the node runs. */
  static final int COMPACT_ABOVE = 1024;
  private static final String VERSION = "v1";
  static final Duration HOUR = Duration.ofHours(1);
  static final Duration DAY = Duration.ofDays(1);
  /** Researcher-dataset pairs kept before those with no query in the last day are swept out. */
  static final int SWEEP_ABOVE = 10_000;

  private final Clock clock;
  private final Map<Key, Deque<Charge>> charges = new HashMap<>();
  /** Where charges are kept; null: in memory only. */
  private RecordLog log;
  private long nextId;
  private int records;

  /** Budgets kept in memory only: a restart starts them afresh. */
  public QueryBudget(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Budgets kept in {@code stateDir}, read back from what it holds. */
  public static QueryBudget open(Path stateDir, Clock clock) throws IOException {
    QueryBudget budget = new QueryBudget(clock);
    Map<String, Charge> byId = new java.util.LinkedHashMap<>();
    long[] maxId = {0};
    budget.log = RecordLog.open(stateDir.resolve(FILE_NAME), "query budget file",
        "it would forget queries that were made", payload -> {
          String[] f = payload.split("\t", -1);
          if (f.length < 3 || !f[0].equals(VERSION)) {
            return false;
          }
          try {
            long id = Long.parseUnsignedLong(f[2], 16);
            maxId[0] = Math.max(maxId[0], id);
            if (f[1].equals("refund") && f.length == 3) {
              byId.remove(f[2]);
              return true;
            }
            if (f[1].equals("charge") && f.length == 7) {
              byId.put(f[2], new Charge(new Key(RecordLog.text(f[4]), RecordLog.text(f[5])), Instant.parse(f[3]),
                  RecordLog.text(f[6]), id));
              return true;
            }
          } catch (NumberFormatException | DateTimeParseException e) {
            return false;
          }
          return false;
        });
    budget.nextId = maxId[0] + 1;
    synchronized (budget) {
      for (Charge c : byId.values()) {
        budget.charges.computeIfAbsent(c.key, k -> new ArrayDeque<>()).addLast(c);
      }
      budget.sweep(clock.instant());
      budget.compact();
    }
    return budget;
  }

  private record Key(String requester, String dataset) {}

  /** One query charged to a researcher's budget on a dataset; {@code session} is empty for a single request. */
  public static final class Charge {
    private final Key key;
    private final Instant time;
    private final String session;
    private final long id;

    private Charge(Key key, Instant time, String session, long id) {
      this.key = key;
      this.time = time;
      this.session = session;
      this.id = id;
    }

    private String record() {
      return String.join("\t", VERSION, "charge", Long.toHexString(id), time.toString(),
          RecordLog.field(key.requester()), RecordLog.field(key.dataset()), RecordLog.field(session));
    }
  }

  /**
   * Charges one query of {@code requester} on {@code dataset}, or throws RESOURCE_EXHAUSTED naming the limit and
   * when the next query is possible. Returns null, charging nothing, for a later round of a session already
   * charged (or a dataset without limits).
   */
  public synchronized Charge charge(String requester, String dataset, String session, QueryLimits limits) {
    if (limits.equals(QueryLimits.NONE)) {
      return null;
    }
    Instant now = clock.instant();
    // Keyed by the researcher's name, not the connection the coordinator names with it: reconnecting is no new budget.
    Key key = new Key(Contract.researcher(requester), dataset);
    Deque<Charge> past = charges.computeIfAbsent(key, k -> new ArrayDeque<>());
    expire(past, now);
    if (!session.isEmpty() && past.stream().anyMatch(c -> c.session.equals(session))) {
      return null;
    }
    check(past, now, HOUR, limits.perHour(), "queries-per-hour", "hour", dataset);
    check(past, now, DAY, limits.perDay(), "queries-per-day", "24 hours", dataset);
    Charge charge = new Charge(key, now, session, nextId++);
    if (log != null) {
      log.append(charge.record()); // forced before the query runs; throws (nothing charged) if it cannot be
      records++;
    }
    past.addLast(charge);
    if (charges.size() > SWEEP_ABOVE || (log != null && records > COMPACT_ABOVE && records > 2 * live())) {
      sweep(now);
    }
    return charge;
  }

  /** Gives back a query that was neither answered nor refused; null (nothing charged) is ignored. */
  public synchronized void refund(Charge charge) {
    if (charge == null) {
      return;
    }
    Deque<Charge> past = charges.get(charge.key);
    if (past != null && past.remove(charge) && log != null) {
      log.append(String.join("\t", VERSION, "refund", Long.toHexString(charge.id)));
      records++;
    }
  }

  private static void check(Deque<Charge> past, Instant now, Duration window, int limit, String rule, String span,
      String dataset) {
    Instant from = now.minus(window);
    // Charges are in time order: the oldest in the window is the first to leave it.
    Instant oldest = null;
    int inWindow = 0;
    for (Charge c : past) {
      if (c.time.isAfter(from)) {
        inWindow++;
        if (oldest == null) {
          oldest = c.time;
        }
      }
    }
    if (inWindow >= limit) {
      // To the next whole second, so that a query at the time told is never early.
      Instant next = oldest.plus(window).plusNanos(999_999_999).truncatedTo(ChronoUnit.SECONDS);
      throw RequestException.exhausted("the requester has made " + limit + (limit == 1 ? " query" : " queries")
          + " of dataset " + dataset + " in the last " + span + ", this node's limit (rule " + rule + " = " + limit
          + "); the next query is possible from " + next + ", in " + minutes(Duration.between(now, next)));
    }
  }

  private static String minutes(Duration d) {
    long m = (d.toSeconds() + 59) / 60;
    return m <= 1 ? "a minute" : m + " minutes";
  }

  private static void expire(Deque<Charge> past, Instant now) {
    Instant from = now.minus(DAY);
    while (!past.isEmpty() && !past.peekFirst().time.isAfter(from)) {
      past.removeFirst();
    }
  }

  private void sweep(Instant now) {
    for (Iterator<Deque<Charge>> it = charges.values().iterator(); it.hasNext(); ) {
      Deque<Charge> past = it.next();
      expire(past, now);
      if (past.isEmpty()) {
        it.remove();
      }
    }
    if (log != null && records > COMPACT_ABOVE && records > 2 * live()) {
      try {
        compact();
      } catch (IOException e) {
        // The file stays as it was, every record in it: compaction is tried again at the next sweep.
        records = COMPACT_ABOVE / 2 + 2 * live();
      }
    }
  }

  private int live() {
    return charges.values().stream().mapToInt(Deque::size).sum();
  }

  /** Rewrites the file with the charges of the last 24 hours only. */
  private void compact() throws IOException {
    List<Charge> all = new ArrayList<>();
    charges.values().forEach(all::addAll);
    all.sort((a, b) -> Long.compare(a.id, b.id));
    log.rewrite(all.stream().map(Charge::record).toList());
    records = all.size();
  }

  @Override
  public synchronized void close() throws IOException {
    if (log != null) {
      log.close();
    }
  }

  /** Queries charged to {@code requester} on {@code dataset} in the last 24 hours. */
  synchronized int charged(String requester, String dataset) {
    Deque<Charge> past = charges.get(new Key(Contract.researcher(requester), dataset));
    if (past == null) {
      return 0;
    }
    expire(past, clock.instant());
    return past.size();
  }
}
