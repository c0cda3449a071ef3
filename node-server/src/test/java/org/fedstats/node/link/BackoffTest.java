package org.fedstats.node.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exponential back-off with jitter: doubling bounds, capped, drawn from [bound/2, bound], and reset by a good link. */
class BackoffTest {
  @Test
  void waitsDoubleUpToTheCapWithJitterAndStartAgainAfterAGoodLink() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), new Random(7));
    long[] bounds = {100, 200, 400, 800, 1000, 1000, 1000};
    for (long bound : bounds) {
      assertThat(backoff.next().toMillis()).isBetween(bound / 2, bound);
    }
    backoff.reset();
    assertThat(backoff.next().toMillis()).isBetween(50L, 100L);
  }

  @Test
  void nodesThatLostTheCoordinatorTogetherDoNotAllDialAtOnce() {
    List<Long> firstWaits = new ArrayList<>();
    for (int node = 0; node < 20; node++) {
      Backoff backoff = new Backoff(Duration.ofMillis(1000), Duration.ofSeconds(30), new Random(node));
      firstWaits.add(backoff.next().toMillis());
    }
    assertThat(new HashSet<>(firstWaits)).hasSizeGreaterThan(15);
    assertThat(firstWaits).allMatch(w -> w >= 500 && w <= 1000);
  }

  @Test
  void manyFailuresNeitherOverflowNorExceedTheCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(30), new Random(1));
    for (int i = 0; i < 200; i++) {
      assertThat(backoff.next()).isLessThanOrEqualTo(Duration.ofSeconds(30)).isPositive();
    }
  }

  @Test
  void boundsMustMakeSense() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new Random()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
