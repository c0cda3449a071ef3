package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.review.ReleaseQueue;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.ReviewDecision;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request one of whose sites (site 2, whose policy reviews every count) holds its answer for its data steward:
 * pending with no value, fetched later by its researcher only, pooled as an unreviewed request would be once the
 * steward approves, refused once denied; kept in the coordinator's folder across a restart. Three real nodes on
 * in-process transport.
 */
class PendingReviewFederationTest {
  private static final AnalysisRequest COUNT = AnalysisRequest.newBuilder().setDataset("colon")
      .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  private static final String REVIEW_COUNTS = "review: {analyses: [count]}";

  @TempDir
  Path tmp;

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  private static String site(int i, String disclosure) {
    return SharedData.colonDataset(i, SharedData.ALL, disclosure);
  }

  private List<NodeClient> nodes(Path dir, String site2) throws Exception {
    return sites.threeNodes(dir, i -> site(i, i == 2 ? site2 : ""));
  }

  private Federation federation(List<NodeClient> nodes, Path pending) {
    Federation f = sites.add(new Federation(nodes, Duration.ofSeconds(10),
        CoordinatorSettings.DEFAULT_MAX_CONCURRENT_REQUESTS, Analyses.builtIn(), PendingResults.in(pending)));
    f.refresh().join();
    return f;
  }

  /** Site 2's release queue, where its steward decides. */
  private ReleaseQueue site2Queue() {
    NodeSettings settings = SharedData.node(tmp.resolve("nodes").resolve("site2"), "site2", site(2, REVIEW_COUNTS));
    return new ReleaseQueue(settings.stateDir());
  }

  private static SiteOutcome site2(AnalysisResponse r) {
    return r.getSitesList().stream().filter(s -> s.getNodeId().equals("site2")).findFirst().orElseThrow();
  }

  private static AnalysisResponse fetch(Federation f, String requestId, String requester) {
    return f.fetchAsync(requestId, requester).join();
  }

  private static void assertPendingWithoutValues(AnalysisResponse r) {
    assertThat(r.getPooledAvailable()).isFalse();
    assertThat(r.hasPooled()).isFalse();
    assertThat(site2(r).getStatus()).isEqualTo(SiteOutcome.Status.PENDING_REVIEW);
    assertThat(site2(r).getReviewTicket()).matches("[0-9a-f]{32}");
    assertThat(site2(r).hasResult()).isFalse();
    // The other sites answered, but their values wait too: with a pooled-only site among them, the pooled value
    // fetched later less the values shown now would reveal it.
    assertThat(r.getSitesList()).filteredOn(s -> !s.getNodeId().equals("site2")).allSatisfy(s -> {
      assertThat(s.getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED);
      assertThat(s.hasResult()).isFalse();
      assertThat(s.getValuesWithheld()).isEqualTo(Session.AWAITING_REVIEW);
    });
    assertThat(r.getPooledNote()).startsWith("PENDING_REVIEW: no pooled value yet: site2 holds its answer for review")
        .endsWith("`fedstats fetch " + r.getRequestId() + "`");
    assertThat(r.getAnalysis()).isEqualTo(COUNT.getAnalysis());
  }

  @Test
  void aPendingRequestIsPooledAsAnUnreviewedOneOnceApproved() throws Exception {
    List<NodeClient> nodes = nodes(tmp.resolve("nodes"), REVIEW_COUNTS);
    Federation f = federation(nodes, tmp.resolve("pending"));
    AnalysisResponse pending = f.run(COUNT, "alice");
    assertPendingWithoutValues(pending);

    // Fetched before the steward decides: still pending, the same shape.
    AnalysisResponse early = fetch(f, pending.getRequestId(), "alice");
    assertPendingWithoutValues(early);
    assertThat(early.getRequestId()).isEqualTo(pending.getRequestId());

    site2Queue().decide(ReviewDecision.newBuilder().setTicket(site2(pending).getReviewTicket()).setApproved(true)
        .setSteward("dana").build());
    AnalysisResponse fetched = fetch(f, pending.getRequestId(), "alice");
    AnalysisResponse unreviewed = federation(nodes(tmp.resolve("plain"), ""), tmp.resolve("plain-pending"))
        .run(COUNT, "alice");
    assertThat(fetched.getPooledAvailable()).isTrue();
    assertThat(fetched.getPooled()).isEqualTo(unreviewed.getPooled());
    assertThat(fetched.getPooledNote()).isEqualTo(unreviewed.getPooledNote()).isEqualTo("pooled over all 3 sites");
    assertThat(fetched.getPooledNodeIdsList()).containsExactly("site1", "site2", "site3");
    assertThat(fetched.getSitesList()).extracting(s -> s.getResult().getCount().getCount())
        .containsExactlyElementsOf(unreviewed.getSitesList().stream().map(s -> s.getResult().getCount().getCount())
            .toList());

    // Fetched again: the same; the sites that answered are not asked again.
    long asked = nodes.getFirst().status().getRequests();
    assertThat(fetch(f, pending.getRequestId(), "alice").getPooled()).isEqualTo(fetched.getPooled());
    assertThat(nodes.getFirst().status().getRequests()).isEqualTo(asked);
  }

  @Test
  void aDeniedSiteIsRefusedWithTheStewardsReasonAndNothingIsPooled() throws Exception {
    Federation f = federation(nodes(tmp.resolve("nodes"), REVIEW_COUNTS), tmp.resolve("pending"));
    AnalysisResponse pending = f.run(COUNT, "alice");
    site2Queue().decide(ReviewDecision.newBuilder().setTicket(site2(pending).getReviewTicket()).setApproved(false)
        .setSteward("dana").setText("not for this project").build());
    AnalysisResponse fetched = fetch(f, pending.getRequestId(), "alice");
    assertThat(fetched.getPooledAvailable()).isFalse();
    assertThat(site2(fetched).getStatus()).isEqualTo(SiteOutcome.Status.REFUSED);
    assertThat(site2(fetched).getRefusal().getRule()).isEqualTo("review-denied");
    assertThat(site2(fetched).getRefusal().getReason()).endsWith("denied the release: not for this project");
    assertThat(fetched.getPooledNote()).startsWith("no pooled value: 1 of 3 sites did not answer (site2 refused by "
        + "rule review-denied");
  }

  @Test
  void onlyTheResearcherWhoAskedMayFetchAndUnknownIdsAreNotFound() throws Exception {
    Federation f = federation(nodes(tmp.resolve("nodes"), REVIEW_COUNTS), tmp.resolve("pending"));
    AnalysisResponse pending = f.run(COUNT, "alice@/127.0.0.1:40001");
    // Known by name: a researcher fetches from another connection than they asked from.
    assertThat(site2(fetch(f, pending.getRequestId(), "alice@/127.0.0.1:40002")).getStatus())
        .isEqualTo(SiteOutcome.Status.PENDING_REVIEW);
    assertThatThrownBy(() -> fetch(f, pending.getRequestId(), "bob@/127.0.0.1:40001")).isInstanceOfSatisfying(RequestRejected.class,
        e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> fetch(f, UUID.randomUUID().toString(), "alice"))
        .isInstanceOfSatisfying(RequestRejected.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(() -> fetch(f, "../../coordinator-audit", "alice"))
        .isInstanceOfSatisfying(RequestRejected.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    // A request that never waited is not kept.
    AnalysisResponse plain = federation(nodes(tmp.resolve("plain"), ""), tmp.resolve("p2")).run(COUNT, "alice");
    assertThat(plain.getPooledAvailable()).isTrue();
    assertThat(plain.hasAnalysis()).isFalse();
    assertThat(tmp.resolve("p2")).doesNotExist();
  }

  @Test
  void aRestartedCoordinatorFetchesWhatItKeptAndTheNodeChecksTheResearcherToo() throws Exception {
    List<NodeClient> nodes = nodes(tmp.resolve("nodes"), REVIEW_COUNTS);
    AnalysisResponse pending = federation(nodes, tmp.resolve("pending")).run(COUNT, "alice");
    site2Queue().decide(ReviewDecision.newBuilder().setTicket(site2(pending).getReviewTicket()).setApproved(true)
        .setSteward("dana").build());
    Federation restarted = federation(nodes, tmp.resolve("pending"));
    assertThat(fetch(restarted, pending.getRequestId(), "alice").getPooledAvailable()).isTrue();

    // A coordinator that forwarded someone else's fetch would still be refused by the node.
    AnalysisResponse another = restarted.run(COUNT, "alice");
    NodeClient site2 = nodes.get(1);
    Throwable failure = site2.fetch(org.fedstats.proto.v1.FetchReleaseRequest.newBuilder()
        .setTicket(site2(another).getReviewTicket()).setRequester("bob").build(), Duration.ofSeconds(10))
        .handle((r, e) -> e).join();
    assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }
}
