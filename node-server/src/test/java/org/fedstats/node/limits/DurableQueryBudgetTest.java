package org.fedstats.node.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Query budgets kept in the node's state folder: a restart forgets no query, and the file stays small. */
class DurableQueryBudgetTest {
  private static final QueryLimits THREE_AN_HOUR = new QueryLimits(3, QueryLimits.UNLIMITED);

  @TempDir
  Path dir;
  private final TestClock clock = new TestClock(Instant.parse("2026-03-02T09:00:00Z"));

  private static void assertExhausted(QueryBudget budget, String requester) {
    assertThatThrownBy(() -> budget.charge(requester, "colon", "", THREE_AN_HOUR))
        .isInstanceOfSatisfying(RequestException.class,
            e -> assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
        .hasMessageContaining("rule queries-per-hour = 3");
  }

  @Test
  void aRestartDoesNotResetABudget() throws IOException {
    try (QueryBudget budget = QueryBudget.open(dir, clock)) {
      budget.charge("alice", "colon", "", THREE_AN_HOUR);
      budget.charge("alice", "colon", "", THREE_AN_HOUR);
      budget.charge("alice", "colon", "s1", THREE_AN_HOUR);
      assertExhausted(budget, "alice");
    }
    clock.advance(Duration.ofMinutes(30));
    try (QueryBudget restarted = QueryBudget.open(dir, clock)) {
      assertExhausted(restarted, "alice");
      // A later round of a session charged before the restart is still free.
      assertThat(restarted.charge("alice", "colon", "s1", THREE_AN_HOUR)).isNull();
      assertThat(restarted.charge("bob", "colon", "", THREE_AN_HOUR)).isNotNull();
      // The window still slides: an hour after the first queries, the budget is back.
      clock.advance(Duration.ofMinutes(30));
      assertThat(restarted.charge("alice", "colon", "", THREE_AN_HOUR)).isNotNull();
    }
  }

  @Test
  void closingTwiceIsHarmless() throws IOException {
    QueryBudget budget = QueryBudget.open(dir, clock);
    budget.close();
    budget.close();
    // The lock went with the first close: the file opens again.
    QueryBudget.open(dir, clock).close();
  }

  @Test
  void aRefundSurvivesARestart() throws IOException {
    try (QueryBudget budget = QueryBudget.open(dir, clock)) {
      budget.charge("alice", "colon", "", THREE_AN_HOUR);
      budget.charge("alice", "colon", "", THREE_AN_HOUR);
      budget.refund(budget.charge("alice", "colon", "", THREE_AN_HOUR));
    }
    try (QueryBudget restarted = QueryBudget.open(dir, clock)) {
      assertThat(restarted.charged("alice", "colon")).isEqualTo(2);
      restarted.charge("alice", "colon", "", THREE_AN_HOUR);
      assertExhausted(restarted, "alice");
    }
  }

  @Test
  void aTornLastRecordIsDroppedAndDamageBeforeItRefusesToOpen() throws IOException {
    try (QueryBudget budget = QueryBudget.open(dir, clock)) {
      budget.charge("alice", "colon", "", THREE_AN_HOUR);
      budget.charge("alice", "colon", "", THREE_AN_HOUR);
    }
    Path file = dir.resolve(QueryBudget.FILE_NAME);
    // A crash while a charge was being written: its query never ran.
    Files.writeString(file, "0123abcd v1\tcharge\t9", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (QueryBudget restarted = QueryBudget.open(dir, clock)) {
      assertThat(restarted.charged("alice", "colon")).isEqualTo(2);
    }
    // An edited record (the first charge's time moved back a day) fails its checksum: the node will not start on it.
    String text = Files.readString(file);
    Files.writeString(file, text.replaceFirst("2026-03-02T09", "2026-03-01T09"));
    assertThatThrownBy(() -> QueryBudget.open(dir, clock)).isInstanceOf(IOException.class)
        .hasMessageContaining("damaged at record 1, which is not the last");
  }

  @Test
  void theFileKeepsOnlyTheLastDaysCharges() throws IOException {
    try (QueryBudget budget = QueryBudget.open(dir, clock)) {
      for (int i = 0; i < 2000; i++) {
        budget.charge("alice", "colon", "", new QueryLimits(10_000, 10_000));
        clock.advance(Duration.ofMinutes(2));
      }
      // 2000 queries two minutes apart: the last 719 are within 24 hours of now (two minutes after the last); the
      // file, compacted whenever it held more than twice the live charges (and over 1024), holds at most that.
      assertThat(budget.charged("alice", "colon")).isEqualTo(719);
      assertThat(Files.readAllLines(dir.resolve(QueryBudget.FILE_NAME)).size()).isBetween(719, 2 * 720);
    }
    clock.advance(Duration.ofDays(2));
    try (QueryBudget restarted = QueryBudget.open(dir, clock)) {
      assertThat(restarted.charged("alice", "colon")).isZero();
      assertThat(Files.readAllLines(dir.resolve(QueryBudget.FILE_NAME))).isEmpty();
    }
  }
}
