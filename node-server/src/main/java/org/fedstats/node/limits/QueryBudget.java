package org.fedstats.node.limits;

import org.fedstats.common.Contract;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.fedstats.node.error.RequestException;

/**
 * The queries each researcher has made of each dataset, against the dataset's {@link QueryLimits}, in sliding
 * windows of the last 60 minutes and the last 24 hours. A query is charged when the node starts it and refunded if
 * it ends neither answered nor refused (a bad request, an error, a caller gone), so concurrent queries cannot
 * overrun a budget. The rounds of one multi-round session are one query: the session is charged at its first
 * round. Kept in memory: a restart of the node starts every budget afresh.
 */
public final class QueryBudget {
  static final Duration HOUR = Duration.ofHours(1);
  static final Duration DAY = Duration.ofDays(1);
  /** Researcher-dataset pairs kept before those with no query in the last day are swept out. */
  static final int SWEEP_ABOVE = 10_000;

  private final Clock clock;
  private final Map<Key, Deque<Charge>> charges = new HashMap<>();

  public QueryBudget(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private record Key(String requester, String dataset) {}

  /** One query charged to a researcher's budget on a dataset; {@code session} is empty for a single request. */
  public static final class Charge {
    private final Key key;
    private final Instant time;
    private final String session;

    private Charge(Key key, Instant time, String session) {
      this.key = key;
      this.time = time;
      this.session = session;
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
    Charge charge = new Charge(key, now, session);
    past.addLast(charge);
    if (charges.size() > SWEEP_ABOVE) {
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
    if (past != null) {
      past.remove(charge);
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
