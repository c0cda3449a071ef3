package org.fedstats.node.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fedstats.node.testing.Requests.cmp;
import static org.fedstats.node.testing.Requests.summary;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.testing.ServedSite;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.ReviewDecision;
import org.fedstats.proto.v1.ReviewItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs that wait for the data steward's review, at one node over gRPC/Netty on 127.0.0.1 (site 2 of colon, whose
 * policy reviews every summary): held with a ticket and nothing else, fetched by their researcher only, released
 * once approved (checked again against the overlap audit), refused once denied, durable across a restart.
 */
class ReviewAtTheNodeTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  private static final String ANALYSES = "count, summary, table, histogram, glm";
  private static final String REVIEW_SUMMARIES = "review: {analyses: [summary]}";

  @TempDir
  Path tmp;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private NodeSettings settings(Path dir, String disclosure) {
    return SharedData.node(dir, "site2", SharedData.colonDataset(2, ANALYSES, disclosure));
  }

  private ServedSite serve(NodeSettings settings) throws Exception {
    ServedSite site = ServedSite.start(settings);
    open.add(site);
    return site;
  }

  private static Filter ageAtLeast60() {
    return cmp("age", ComparisonOperator.GE, 60);
  }

  private static String held(NodeAnalysisResponse r) {
    assertThat(r.hasPendingReview()).as("held for review").isTrue();
    assertThat(r.getPendingReview().getTicket()).matches("[0-9a-f]{32}");
    return r.getPendingReview().getTicket();
  }

  private static List<String> auditLines(NodeSettings settings) throws Exception {
    return Files.readAllLines(settings.auditLog());
  }

  /** The size of the file of record sets the overlap audit remembers (it grows when sets are remembered). */
  private static long rememberedBytes(NodeSettings settings) throws Exception {
    try (Stream<Path> files = Files.list(settings.stateDir())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".sets")).mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  private static void decide(NodeSettings settings, String ticket, boolean approved, String text) {
    new ReleaseQueue(settings.stateDir()).decide(ReviewDecision.newBuilder().setTicket(ticket).setApproved(approved)
        .setSteward("dana").setText(text).build());
  }

  @Test
  void aHeldOutputLeavesOnlyItsTicketAndTheAuditLogAndTheQueueHoldTheRest() throws Exception {
    NodeSettings settings = settings(tmp, REVIEW_SUMMARIES);
    ServedSite site = serve(settings);
    NodeAnalysisResponse r = site.ask(ageAtLeast60(), summary("time"));
    String ticket = held(r);
    // Nothing but who answered, that it waits, its ticket, and the audit receipt: no value, no rule, no count.
    assertThat(r.toBuilder().clearNodeId().clearPendingReview().clearAuditHead().clearPooledOnly().build())
        .isEqualTo(NodeAnalysisResponse.getDefaultInstance());
    assertThat(r.getAuditHead()).hasSize(64);
    assertThat(r.getPendingReview().getNote()).isEqualTo("held for review by the data steward of node site2, as the "
        + "policy of dataset colon asks; fetch it later with its ticket");

    String last = auditLines(settings).getLast();
    assertThat(last).contains("\"outcome\":\"PENDING_REVIEW\"").contains(ticket).contains("mallory");

    ReviewItem item = new ReleaseQueue(settings.stateDir()).item(ticket).orElseThrow();
    assertThat(item.getRequester()).isEqualTo("mallory");
    assertThat(item.getDataset()).isEqualTo("colon");
    assertThat(item.getAnalysis()).isEqualTo("summary");
    assertThat(item.getRequest()).contains("\"age\"").contains("time");
    assertThat(item.getEvidenceList()).singleElement().satisfies(e -> assertThat(e.getRule()).isEqualTo("analysis"));
    assertThat(item.getResponse().getResult().getSummary().getN()).isEqualTo(164);
    assertThat(item.getRecordSetsCount()).isPositive();

    // Analyses the policy does not review are answered at once, as before.
    assertThat(site.ask(null, COUNT).getResult().getCount().getCount()).isEqualTo(310);
  }

  @Test
  void onlyItsResearcherMayFetchAndAnUnknownTicketIsNotFound() throws Exception {
    NodeSettings settings = settings(tmp, REVIEW_SUMMARIES);
    ServedSite site = serve(settings);
    String ticket = held(site.ask(ageAtLeast60(), summary("time")));

    // Undecided: pending again, with the same ticket, and audited as such.
    assertThat(held(site.fetch(ServedSite.MALLORY, ticket))).isEqualTo(ticket);
    assertThat(auditLines(settings).getLast()).contains("PENDING_REVIEW").contains("still undecided");

    decide(settings, ticket, true, "");
    assertThatThrownBy(() -> site.fetch("bob", ticket)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(auditLines(settings).getLast()).contains("PERMISSION_DENIED").contains("bob");
    for (String unknown : List.of(ReleaseQueue.newTicket(), "../../../etc/passwd", "")) {
      assertThatThrownBy(() -> site.fetch(ServedSite.MALLORY, unknown)).as(unknown)
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
    assertThatThrownBy(() -> site.fetch("bob@/10.0.0.2:4242", ticket)).isInstanceOfSatisfying(
        StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    // The service goes on serving; the researcher is known by name, whatever address the coordinator saw.
    assertThat(site.fetch(ServedSite.MALLORY + "@/10.0.0.1:4242", ticket).getResult().getSummary().getN())
        .isEqualTo(164);
  }

  @Test
  void anApprovedOutputIsTheUnreviewedAnswerReleasedAndRememberedOnceAlsoAcrossARestart() throws Exception {
    NodeSettings settings = settings(tmp, REVIEW_SUMMARIES);
    ServedSite site = serve(settings);
    String ticket = held(site.ask(ageAtLeast60(), summary("time")));
    long before = rememberedBytes(settings);
    decide(settings, ticket, true, "checked the means");

    NodeAnalysisResponse released = site.fetch(ServedSite.MALLORY, ticket);
    ServedSite unreviewed = serve(settings(tmp.resolve("plain"), ""));
    assertThat(released.getResult()).isEqualTo(unreviewed.ask(ageAtLeast60(), summary("time")).getResult());
    assertThat(released.hasPendingReview()).isFalse();
    assertThat(released.getAuditHead()).hasSize(64);
    assertThat(auditLines(settings).getLast()).contains("\"outcome\":\"ANSWERED\"")
        .contains("released after review: ticket " + ticket + " approved by dana (checked the means)");
    long remembered = rememberedBytes(settings);
    assertThat(remembered).as("its record sets are remembered when released").isGreaterThan(before);

    // Released once: fetched again (also after a restart) it is the same answer, not remembered a second time.
    assertThat(site.fetch(ServedSite.MALLORY, ticket).getResult()).isEqualTo(released.getResult());
    site.close();
    ServedSite restarted = serve(settings);
    NodeAnalysisResponse again = restarted.fetch(ServedSite.MALLORY, ticket);
    assertThat(again.getResult()).isEqualTo(released.getResult());
    assertThat(rememberedBytes(settings)).isEqualTo(remembered);
    assertThat(auditLines(settings).getLast()).contains("released again for review ticket " + ticket);
    assertThat(new ReleaseQueue(settings.stateDir()).released(ticket)).isPresent();
  }

  @Test
  void aDeniedOutputIsRefusedWithTheStewardsReasonAndNeverLeaves() throws Exception {
    NodeSettings settings = settings(tmp, REVIEW_SUMMARIES);
    ServedSite site = serve(settings);
    String ticket = held(site.ask(ageAtLeast60(), summary("time")));
    decide(settings, ticket, false, "the cohort is too specific");
    for (int fetch = 0; fetch < 2; fetch++) {
      NodeAnalysisResponse r = site.fetch(ServedSite.MALLORY, ticket);
      assertThat(r.hasResult()).isFalse();
      assertThat(r.getRefusal().getRule()).isEqualTo(DisclosureRule.REVIEW_DENIED.id());
      assertThat(r.getRefusal().getReason()).contains("denied the release: the cohort is too specific");
    }
    assertThat(auditLines(settings)).anyMatch(l -> l.contains("\"outcome\":\"REFUSED\"")
        && l.contains("review-denied: ticket " + ticket + " denied by dana"));
  }

  @Test
  void aHeldOutputIsCheckedAgainstDifferencingWhenItIsReleased() throws Exception {
    NodeSettings settings = settings(tmp, REVIEW_SUMMARIES);
    ServedSite site = serve(settings);
    // The attacker's pair: a summary over age >= 60 waits; a count over age > 60 (8 patients fewer) is answered
    // meanwhile, since the waiting one was not released yet.
    String ticket = held(site.ask(ageAtLeast60(), summary("time")));
    assertThat(site.ask(cmp("age", ComparisonOperator.GT, 60), COUNT).hasResult()).isTrue();
    // The steward approves the summary on its own merits; at release the pair is seen, and the summary refused.
    decide(settings, ticket, true, "");
    for (int fetch = 0; fetch < 2; fetch++) {
      NodeAnalysisResponse r = site.fetch(ServedSite.MALLORY, ticket);
      assertThat(r.hasResult()).isFalse();
      assertThat(r.getRefusal().getRule()).isEqualTo(DisclosureRule.OVERLAP_MIN_DIFFERENCE.id());
    }
    // Asked again now, the output that would be held is refused at once: it is checked before it is held too.
    NodeAnalysisResponse now = site.ask(ageAtLeast60(), summary("time"));
    assertThat(now.getRefusal().getRule()).isEqualTo(DisclosureRule.OVERLAP_MIN_DIFFERENCE.id());
    assertThat(now.hasPendingReview()).isFalse();
  }

  @Test
  void aRoundOfAMultiRoundAnalysisIsRefusedRatherThanHeld() throws Exception {
    ServedSite site = serve(settings(tmp, REVIEW_SUMMARIES));
    // Any request in a session is a round: the coordinator's next round needs it now and nodes keep no state.
    NodeAnalysisResponse r = site.ask(NodeAnalysisRequest.newBuilder().setRequestId("g1").setRequester("mallory")
        .setDataset("colon").setAnalysis(summary("time")).setSessionId("session-1").setRound(0).build());
    assertThat(r.hasPendingReview()).isFalse();
    assertThat(r.getRefusal().getRule()).isEqualTo(DisclosureRule.REVIEW_REQUIRED.id());
    assertThat(r.getRefusal().getReason()).contains("multi-round").contains("(analysis)");
    assertThat(new ReleaseQueue(settings(tmp, REVIEW_SUMMARIES).stateDir()).items()).isEmpty();
  }

  @Test
  void withoutAReviewPolicyNothingIsHeldAndNoQueueIsMade() throws Exception {
    NodeSettings settings = settings(tmp, "");
    ServedSite site = serve(settings);
    assertThat(site.ask(ageAtLeast60(), summary("time")).getResult().getSummary().getN()).isEqualTo(164);
    assertThat(settings.stateDir().resolve("review")).doesNotExist();
  }

  @Test
  void unknownOrUnreviewableNamesStopTheNodeAtStartWithTheReason() throws Exception {
    record Case(String review, String message) {}
    for (Case c : List.of(
        new Case("review: {rules: [dominanse]}", "unknown review rule 'dominanse'"),
        new Case("review: {rules: [overlap-min-difference]}", "rule overlap-min-difference cannot be reviewed"),
        new Case("review: {analyses: [lmm]}", "unknown analysis 'lmm'"))) {
      Path dir = tmp.resolve("bad" + c.review().hashCode());
      Files.createDirectories(dir);
      Path file = dir.resolve("node.yaml");
      Files.writeString(file, "node-id: site2\ndatasets:\n" + SharedData.colonDataset(2, ANALYSES, c.review()));
      assertThatThrownBy(() -> NodeConfigLoader.load(file)).as(c.review()).isInstanceOf(StartupException.class)
          .hasMessageContaining("dataset colon disclosure: " + c.message())
          .hasMessageContaining(c.message().startsWith("unknown analysis") ? "expected one of" : "reviewable rules are");
    }
  }
}
