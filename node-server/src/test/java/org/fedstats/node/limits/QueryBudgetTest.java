package org.fedstats.node.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.testing.TestClock;
import org.junit.jupiter.api.Test;

class QueryBudgetTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-03-02T09:00:00Z"));
  private final QueryBudget budget = new QueryBudget(clock);

  private QueryBudget.Charge charge(String requester, String dataset, String session, QueryLimits limits) {
    return budget.charge(requester, dataset, session, limits);
  }

  private static void assertExhausted(Runnable query, String... message) {
    assertThatThrownBy(query::run).isInstanceOfSatisfying(RequestException.class,
        e -> assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED)).hasMessageContainingAll(message);
  }

  @Test
  void theHourlyLimitSlidesWithTheOldestQuery() {
    QueryLimits three = new QueryLimits(3, QueryLimits.UNLIMITED);
    charge("alice", "colon", "", three);
    clock.advance(Duration.ofMinutes(20));
    charge("alice", "colon", "", three);
    charge("alice", "colon", "", three);
    assertExhausted(() -> charge("alice", "colon", "", three), "3 queries of dataset colon in the last hour",
        "rule queries-per-hour = 3", "possible from 2026-03-02T10:00:00Z, in 40 minutes");
    // Other researchers and other datasets have budgets of their own.
    assertThat(charge("bob", "colon", "", three)).isNotNull();
    assertThat(charge("alice", "infert", "", three)).isNotNull();
    // A sliding window: the first query leaves it an hour after it was made, not at the top of an hour.
    clock.advance(Duration.ofMinutes(39));
    assertExhausted(() -> charge("alice", "colon", "", three), "in a minute");
    clock.advance(Duration.ofMinutes(1));
    assertThat(charge("alice", "colon", "", three)).isNotNull();
    assertExhausted(() -> charge("alice", "colon", "", three), "possible from 2026-03-02T10:20:00Z");
  }

  @Test
  void theDailyLimitCountsTheLast24Hours() {
    QueryLimits limits = new QueryLimits(2, 3);
    for (int i = 0; i < 3; i++) {
      charge("alice", "colon", "", limits);
      clock.advance(Duration.ofHours(2));
    }
    assertExhausted(() -> charge("alice", "colon", "", limits), "3 queries of dataset colon in the last 24 hours",
        "rule queries-per-day = 3", "possible from 2026-03-03T09:00:00Z");
    clock.advance(Duration.ofHours(18));
    assertThat(charge("alice", "colon", "", limits)).isNotNull();
    assertThat(budget.charged("alice", "colon")).isEqualTo(3);
  }

  @Test
  void theRoundsOfOneSessionAreOneQuery() {
    QueryLimits two = new QueryLimits(2, 10);
    assertThat(charge("alice", "colon", "glm-1", two)).isNotNull();
    for (int round = 1; round < 25; round++) {
      assertThat(charge("alice", "colon", "glm-1", two)).as("round %d is free", round).isNull();
    }
    charge("alice", "colon", "", two);
    assertExhausted(() -> charge("alice", "colon", "glm-2", two), "queries-per-hour");
    // The same session id from another researcher is a query of theirs.
    assertThat(charge("bob", "colon", "glm-1", two)).isNotNull();
  }

  @Test
  void aRefundedQueryDoesNotCount() {
    QueryLimits one = new QueryLimits(1, 1);
    budget.refund(charge("alice", "colon", "", one));
    budget.refund(null);
    assertThat(budget.charged("alice", "colon")).isZero();
    charge("alice", "colon", "", one);
    assertExhausted(() -> charge("alice", "colon", "", one), "made 1 query of dataset colon", "queries-per-hour = 1");
  }

  @Test
  void withoutLimitsNothingIsKept() {
    for (int i = 0; i < 100; i++) {
      assertThat(charge("alice", "colon", "", QueryLimits.NONE)).isNull();
    }
    assertThat(budget.charged("alice", "colon")).isZero();
  }

  @Test
  void limitsAreAtLeastOne() {
    assertThatThrownBy(() -> QueryLimits.NONE.with(new QueryLimits.Config(0, null)))
        .hasMessage("limits.queries-per-hour must be at least 1, not 0");
    assertThat(new QueryLimits(5, 100).with(new QueryLimits.Config(null, 50))).isEqualTo(new QueryLimits(5, 50));
  }

  @Test
  void aNewConnectionIsNoNewBudget() {
    QueryLimits two = new QueryLimits(2, QueryLimits.UNLIMITED);
    charge("alice@/127.0.0.1:40001", "colon", "", two);
    charge("alice@/127.0.0.1:40002", "colon", "", two);
    assertExhausted(() -> charge("alice@/10.0.0.9:51234", "colon", "", two), "rule queries-per-hour = 2");
    assertThat(charge("bob@/127.0.0.1:40001", "colon", "", two)).isNotNull();
  }
}
