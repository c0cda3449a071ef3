package org.fedstats.node.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fedstats.proto.v1.ReviewDecision;
import org.fedstats.proto.v1.ReviewItem;
import org.fedstats.proto.v1.ReviewRelease;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release queue's files: written once, atomically, read back by another instance (a restarted node). */
class ReleaseQueueTest {
  @TempDir
  Path state;

  private static ReviewItem item(String ticket, long created) {
    return ReviewItem.newBuilder().setTicket(ticket).setRequester("alice").setDataset("colon").setAnalysis("count")
        .setCreatedEpochMs(created).build();
  }

  @Test
  void ticketsAreRandomHexAndOnlyTicketsNameFiles() {
    String a = ReleaseQueue.newTicket();
    String b = ReleaseQueue.newTicket();
    assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo(b);
    assertThat(ReleaseQueue.isTicket(a)).isTrue();
    for (String bad : List.of("../../etc/passwd", a.toUpperCase(), a + "0", "", "x".repeat(32))) {
      assertThat(ReleaseQueue.isTicket(bad)).as(bad).isFalse();
      assertThat(new ReleaseQueue(state).item(bad)).as(bad).isEmpty();
    }
    assertThatThrownBy(() -> new ReleaseQueue(state).hold(item("../x", 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void heldItemsAndDecisionsSurviveARestartAndAreListedOldestFirst() throws Exception {
    ReleaseQueue queue = new ReleaseQueue(state);
    assertThat(queue.items()).isEmpty();
    String late = ReleaseQueue.newTicket();
    String early = ReleaseQueue.newTicket();
    queue.hold(item(late, 2000));
    queue.hold(item(early, 1000));
    queue.decide(ReviewDecision.newBuilder().setTicket(early).setApproved(true).setSteward("dana").build());

    ReleaseQueue restarted = new ReleaseQueue(state);
    assertThat(restarted.items()).extracting(ReviewItem::getTicket).containsExactly(early, late);
    assertThat(restarted.decision(early)).get().extracting(ReviewDecision::getSteward).isEqualTo("dana");
    assertThat(restarted.decision(late)).isEmpty();
    // Nothing but complete files: no temporary file is left behind.
    try (Stream<Path> files = Files.list(state.resolve("review"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder(late + ".item", early + ".item", early + ".decision");
    }
  }

  @Test
  void aDecisionIsWrittenOnceAndOnlyForAHeldTicket() throws Exception {
    ReleaseQueue queue = new ReleaseQueue(state);
    String ticket = ReleaseQueue.newTicket();
    assertThatThrownBy(() -> queue.decide(ReviewDecision.newBuilder().setTicket(ticket).setApproved(true).build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no output waits");
    queue.hold(item(ticket, 1));
    queue.decide(ReviewDecision.newBuilder().setTicket(ticket).setApproved(false).setSteward("dana")
        .setText("too few records").build());
    byte[] first = Files.readAllBytes(state.resolve("review").resolve(ticket + ".decision"));
    // A second steward (or a second process at the same moment) cannot replace it.
    assertThatThrownBy(() -> queue.decide(ReviewDecision.newBuilder().setTicket(ticket).setApproved(true)
        .setSteward("eve").build())).isInstanceOf(IllegalStateException.class).hasMessageContaining("already decided");
    assertThat(Files.readAllBytes(state.resolve("review").resolve(ticket + ".decision"))).isEqualTo(first);
    assertThat(queue.decision(ticket).orElseThrow().getApproved()).isFalse();

    queue.release(ReviewRelease.newBuilder().setTicket(ticket).build());
    assertThatThrownBy(() -> queue.release(ReviewRelease.newBuilder().setTicket(ticket).build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already released");
  }

  @Test
  void aDamagedFileIsReportedNotGuessedPast() throws Exception {
    ReleaseQueue queue = new ReleaseQueue(state);
    String ticket = ReleaseQueue.newTicket();
    queue.hold(item(ticket, 1));
    Files.write(state.resolve("review").resolve(ticket + ".decision"), new byte[] {(byte) 0xff, 0x01});
    assertThatThrownBy(() -> queue.decision(ticket)).hasMessageContaining("damaged");
  }
}
