package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.common.Text;
import org.fedstats.coordinator.testing.FakeNode;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.InSet;
import org.fedstats.proto.v1.NodeStatus;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Fan-out and pooling over three real nodes on in-process transport. */
class FederationTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  @TempDir
  Path tmp;

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  /** Starts nodes site1..site3 (those named in {@code down} are configured but not running). */
  private Federation federation(String site2Disclosure, String... down) throws Exception {
    List<NodeClient> clients = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String id = "site" + i;
      clients.add(List.of(down).contains(id) ? sites.down(id)
          : inProcessNode(id, id, SharedData.colonDataset(i, SharedData.ALL, i == 2 ? site2Disclosure : "")));
    }
    return sites.federation(Duration.ofSeconds(10), clients);
  }

  private static AnalysisRequest.Builder request(Analysis analysis) {
    return AnalysisRequest.newBuilder().setDataset("colon").setAnalysis(analysis);
  }

  private static Filter female() {
    return Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("sex").setOp(ComparisonOperator.EQ)
        .setValue(Value.newBuilder().setNumber(0))).build();
  }

  @Test
  void poolsCountsFromEverySite() throws Exception {
    Federation f = federation("");
    AnalysisResponse r = f.run(request(COUNT).setFilter(female()).build(), "alice");
    assertThat(r.getSitesList()).extracting(SiteOutcome::getStatus).containsOnly(SiteOutcome.Status.ANSWERED);
    assertThat(r.getPooledAvailable()).isTrue();
    assertThat(r.getPooled().getCount().getCount())
        .isEqualTo(SharedData.reference("colon").get("count_female").asLong());
    assertThat(r.getPooledNodeIdsList()).containsExactly("site1", "site2", "site3");
    assertThat(r.getPooledNote()).isEqualTo("pooled over all 3 sites");
  }

  @Test
  void aPooledValueOverRoundedSiteCountsSaysSo() throws Exception {
    Federation f = federation("profile: opensafely, review: {analyses: []}");
    AnalysisResponse r = f.run(request(COUNT).setFilter(female()).build(), "alice");
    assertThat(r.getPooledAvailable()).isTrue();
    SiteOutcome site2 = r.getSitesList().stream().filter(s -> s.getNodeId().equals("site2")).findFirst().orElseThrow();
    assertThat(site2.getResult().getRounding().getRoundedTo()).isEqualTo(5);
    assertThat(site2.getResult().getCount().getCount() % 5).isZero();
    assertThat(r.getSitesList()).filteredOn(s -> !s.getNodeId().equals("site2"))
        .allSatisfy(s -> assertThat(s.getResult().hasRounding()).isFalse());
    assertThat(r.getPooledNote()).startsWith("pooled over all 3 sites; ROUNDED: the pooled value rests on rounded "
        + "site values (site2: rounded to 5, 0 redacted (counts 1-7, profile opensafely))");
  }

  @Test
  void aSiteDownIsReportedAndNothingIsPooledSilently() throws Exception {
    Federation f = federation("", "site3");
    AnalysisResponse r = f.run(request(COUNT).build(), "alice");
    SiteOutcome site3 = r.getSites(2);
    assertThat(site3.getNodeId()).isEqualTo("site3");
    assertThat(site3.getStatus()).isEqualTo(SiteOutcome.Status.FAILED);
    assertThat(site3.getErrorCode()).isEqualTo("UNAVAILABLE");
    assertThat(r.getPooledAvailable()).isFalse();
    assertThat(r.hasPooled()).isFalse();
    assertThat(r.getPooledNote()).startsWith("no pooled value: 1 of 3 sites did not answer (site3 failed: UNAVAILABLE")
        .contains("allow partial results");

    AnalysisResponse partial = f.run(request(COUNT).setAllowPartial(true).build(), "alice");
    assertThat(partial.getPooledAvailable()).isTrue();
    assertThat(partial.getPooled().getCount().getCount()).isEqualTo(309 + 310);
    assertThat(partial.getPooledNodeIdsList()).containsExactly("site1", "site2");
    assertThat(partial.getPooledNote()).startsWith("PARTIAL: pooled over 2 of 3 sites; left out: site3 failed");

    NodeStatus down = f.listNodes().getNodes(2);
    assertThat(down.getReachable()).isFalse();
    assertThat(down.getErrors()).isEqualTo(2);
    assertThat(f.listNodes().getNodes(0).getReachable()).isTrue();
    assertThat(f.listNodes().getNodes(0).getVersion()).isNotEmpty();
  }

  @Test
  void aSiteThatRefusesIsNamedWithItsRule() throws Exception {
    Federation f = federation("min-cohort-size: 200");
    AnalysisResponse r = f.run(request(COUNT).setFilter(female()).build(), "alice");
    assertThat(r.getSites(1).getStatus()).isEqualTo(SiteOutcome.Status.REFUSED);
    assertThat(r.getSites(1).getRefusal().getRule()).isEqualTo("min-cohort-size");
    assertThat(r.getSites(1).getRefusal().getThreshold()).isEqualTo(200);
    assertThat(r.getPooledAvailable()).isFalse();
    assertThat(r.getPooledNote()).contains("site2 refused by rule min-cohort-size (threshold 200)");
    assertThat(f.listNodes().getNodes(1).getRefusals()).isEqualTo(1);
  }

  @Test
  void requestErrorsEveryNodeAgreesOnReachTheResearcher() throws Exception {
    Federation f = federation("");
    Analysis badSummary = Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("weight")).build();
    assertThatThrownBy(() -> f.run(request(badSummary).build(), "alice"))
        .isInstanceOfSatisfying(RequestRejected.class, e -> {
          assertThat(e.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.status().getDescription()).startsWith("unknown variable 'weight' in dataset colon");
        });
    assertThatThrownBy(() -> f.run(request(COUNT).setDataset("registry").build(), "alice"))
        .isInstanceOfSatisfying(RequestRejected.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.NOT_FOUND))
        .hasMessageContaining("dataset 'registry' is not held by any node");
    assertThatThrownBy(() -> f.run(request(COUNT).addNodeIds("site9").build(), "alice"))
        .hasMessageContaining("no node 'site9'");
    assertThatThrownBy(() -> f.run(AnalysisRequest.newBuilder().setDataset("colon").build(), "alice"))
        .hasMessageContaining("names no analysis");

    InSet.Builder huge = InSet.newBuilder().setVariable("rx");
    for (int i = 0; i < 3000; i++) {
      huge.addValues(Value.newBuilder().setText("x".repeat(30)));
    }
    assertThatThrownBy(() -> f.run(request(COUNT).setFilter(Filter.newBuilder().setInSet(huge)).build(), "alice"))
        .isInstanceOfSatisfying(RequestRejected.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("the limit is 65536");
    // ...and the federation keeps serving.
    assertThat(f.run(request(COUNT).build(), "alice").getPooled().getCount().getCount()).isEqualTo(929);
  }

  @Test
  void nodesCanBeChosenAndDatasetsAreListedWithTheirHolders() throws Exception {
    Federation f = federation("");
    AnalysisResponse r = f.run(request(COUNT).addNodeIds("site2").build(), "alice");
    assertThat(r.getSitesList()).extracting(SiteOutcome::getNodeId).containsExactly("site2");
    assertThat(r.getPooled().getCount().getCount()).isEqualTo(310);
    var datasets = f.listDatasets().getDatasetsList();
    assertThat(datasets).singleElement().satisfies(d -> {
      assertThat(d.getInfo().getName()).isEqualTo("colon");
      assertThat(d.getNodeIdsList()).containsExactly("site1", "site2", "site3");
      assertThat(d.getInconsistenciesList()).isEmpty();
    });
  }

  @Test
  void aNodeThatHangsFailsAtTheDeadlineWithoutHoldingUpTheOthers() throws Exception {
    // site1 is real; "stuck" accepts the call and never answers.
    NodeClient site1 = inProcessNode("site1", "site1", SharedData.colonDataset(1, "count", ""));
    FakeNode stuck = sites.fake("stuck"); // no answers set: it never answers
    Federation f = sites.federation(Duration.ofMillis(500), List.of(site1, stuck.client(sites.meters())));

    long start = System.nanoTime();
    AnalysisResponse r = f.run(request(COUNT).setAllowPartial(true).build(), "alice");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(seconds).as("bounded by the deadline, not by the stuck node").isLessThan(5);
    assertThat(r.getSites(0).getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED);
    assertThat(r.getSites(1).getStatus()).isEqualTo(SiteOutcome.Status.FAILED);
    assertThat(r.getSites(1).getErrorCode()).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(r.getPooled().getCount().getCount()).isEqualTo(309);
    assertThat(r.getPooledNote()).startsWith("PARTIAL");
  }

  /** An in-process node serving {@code datasets}, and a client that knows it as {@code configuredId}. */
  private NodeClient inProcessNode(String nodeId, String configuredId, String datasets) throws Exception {
    return sites.node(configuredId, SharedData.node(tmp, nodeId, datasets));
  }

  @Test
  void differingDeclarationsOfADatasetAreFlagged() throws Exception {
    Federation f = sites.federation(Duration.ofSeconds(5), List.of(
        inProcessNode("site1", "site1", SharedData.colonDataset(1, SharedData.ALL, "")),
        inProcessNode("site2", "site2", SharedData.colonDataset(2, "count", ""))));
    // The allow-list is part of the policy: both the declaration and the policy hash differ.
    assertThat(f.listDatasets().getDatasets(0).getInconsistenciesList()).containsExactlyInAnyOrder(
        "node site2 allows analyses [count] on colon, node site1 allows [count, summary, table, histogram]",
        "node site2 serves colon under another policy than site1 (policy hash "
            + Text.shortHash(f.listNodes().getNodes(1).getDatasetStates(0).getPolicyHash()) + ", theirs "
            + Text.shortHash(f.listNodes().getNodes(0).getDatasetStates(0).getPolicyHash()) + ")");
  }

  @Test
  void nodesReportDataVersionsAndPolicyHashesAndADifferentThresholdIsDrift() throws Exception {
    Federation f = sites.federation(Duration.ofSeconds(5), List.of(
        inProcessNode("site1", "site1", SharedData.colonDataset(1, "count", "")),
        inProcessNode("site2", "site2", SharedData.colonDataset(2, "count", "")),
        inProcessNode("site3", "site3", SharedData.colonDataset(3, "count", "min-cell-count: 5"))));
    List<NodeStatus> nodes = f.listNodes().getNodesList();
    assertThat(nodes).allSatisfy(n -> {
      assertThat(n.getLink()).isEqualTo("inbound");
      assertThat(n.getDatasetStates(0).getDataset()).isEqualTo("colon");
      assertThat(n.getDatasetStates(0).getDataVersion()).matches("[0-9a-f]{64}");
      assertThat(n.getDatasetStates(0).getRows()).isPositive();
    });
    // Each site holds other data; sites 1 and 2 have the same policy, site 3 a lower threshold.
    assertThat(nodes).extracting(n -> n.getDatasetStates(0).getDataVersion()).doesNotHaveDuplicates();
    assertThat(nodes.get(0).getDatasetStates(0).getPolicyHash())
        .isEqualTo(nodes.get(1).getDatasetStates(0).getPolicyHash())
        .isNotEqualTo(nodes.get(2).getDatasetStates(0).getPolicyHash());
    assertThat(nodes.get(0).getDriftList()).isEmpty();
    assertThat(nodes.get(1).getDriftList()).isEmpty();
    assertThat(nodes.get(2).getDriftList()).singleElement().asString()
        .startsWith("serves colon under another policy than site1, site2 (policy hash ");
    assertThat(f.listDatasets().getDatasets(0).getInconsistenciesList()).singleElement().asString()
        .startsWith("node site3 serves colon under another policy than site1, site2");
  }

  @Test
  void aNodeAnsweringUnderAnotherIdIsNotTrusted() throws Exception {
    Federation f = sites.federation(Duration.ofSeconds(5), List.of(
        inProcessNode("site9", "site1", SharedData.colonDataset(1, "count", ""))));
    NodeStatus status = f.listNodes().getNodes(0);
    assertThat(status.getReachable()).isFalse();
    assertThat(status.getLastError()).contains("reports id site9, expected site1");
  }
}
