package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.MetaAnalysis;
import org.fedstats.proto.v1.MetaTerm;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.TableAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nodes' policies as the researcher meets them through the coordinator. A dataset whose node keeps its site-level
 * values for pooling only: the researcher gets the pooled value and the site's outcome, never the site's values, for
 * single-round, multi-round and meta-analyses. A query budget: when every node says it is spent, so does the reply.
 */
class NodePoliciesTest {
  private static final String ANALYSES = "count, table, glm, meta";
  private static final String POOLED_ONLY = "site-results: pooled-only";
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  private static final Analysis TABLE = Analysis.newBuilder().setTable(TableAnalysis.newBuilder()
      .setRowVariable("rx").setColumnVariable("status")).build();
  private static final GlmAnalysis MODEL = GlmAnalysis.newBuilder().setFormula("status ~ rx + sex + age + obstruct")
      .setFamily(GlmFamily.BINOMIAL).build();
  private static final Analysis GLM = Analysis.newBuilder().setGlm(MODEL).build();
  private static final Analysis META = Analysis.newBuilder().setMeta(MetaAnalysis.newBuilder().setModel(MODEL))
      .build();

  @TempDir
  Path tmp;

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  /** Three real nodes; those in {@code pooledOnly} declare colon's site results pooled-only. */
  private Federation federation(Set<String> pooledOnly) throws Exception {
    return federation(i -> SharedData.colonDataset(i, ANALYSES, pooledOnly.contains("site" + i) ? POOLED_ONLY : ""));
  }

  /** Three real nodes, site i holding {@code datasets.apply(i)}. */
  private Federation federation(IntFunction<String> datasets) throws Exception {
    return sites.federation(Duration.ofSeconds(30), sites.threeNodes(tmp, datasets));
  }

  private static AnalysisRequest request(Analysis analysis) {
    return AnalysisRequest.newBuilder().setDataset("colon").setAnalysis(analysis).build();
  }

  private static void assertWithheld(SiteOutcome site, String why) {
    assertThat(site.getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED);
    assertThat(site.hasResult()).as(site.getNodeId() + "'s result").isFalse();
    assertThat(site.getValuesWithheld()).isEqualTo(why);
  }

  @Test
  void pooledOnlySitesAreWithheldAndTheOthersShown() throws Exception {
    Federation f = federation(Set.of("site2", "site3"));
    for (Analysis a : List.of(COUNT, TABLE, GLM, META)) {
      AnalysisResponse r = f.run(request(a), "alice");
      assertThat(r.getPooledAvailable()).as(a.getKindCase().name()).isTrue();
      assertThat(r.getPooledNodeIdsList()).containsExactly("site1", "site2", "site3");
      assertThat(r.getSites(0).hasResult()).isTrue();
      assertThat(r.getSites(0).getValuesWithheld()).isEmpty();
      assertWithheld(r.getSites(1), "pooled-only");
      assertWithheld(r.getSites(2), "pooled-only");
      if (a == COUNT) {
        assertThat(r.getPooled().getCount().getCount()).isEqualTo(929);
      }
      if (a == GLM) {
        assertThat(r.getRounds()).isGreaterThan(2);
        assertThat(r.getPooled().getModelFit().getN()).isGreaterThan(900);
      }
      if (a == META) {
        // The pooled estimates stay; only site1's own estimates are listed.
        for (MetaTerm t : r.getPooled().getMeta().getTermsList()) {
          assertThat(t.getNodeIdsList()).containsExactly("site1");
          assertThat(t.getSiteEstimatesCount()).isEqualTo(1);
          assertThat(t.getSiteVariancesCount()).isEqualTo(1);
          assertThat(t.getFixed().getStdError()).isPositive();
        }
      }
    }
  }

  @Test
  void onePooledOnlySiteAmongShownOnesWithholdsEverySiteBecauseOfTheDifference() throws Exception {
    Federation f = federation(Set.of("site2"));
    String why = "pooled-only values of site2 would follow by difference";
    for (Analysis a : List.of(COUNT, TABLE, GLM, META)) {
      AnalysisResponse r = f.run(request(a), "alice");
      assertThat(r.getPooledAvailable()).as(a.getKindCase().name()).isTrue();
      assertWithheld(r.getSites(0), why);
      assertWithheld(r.getSites(1), "pooled-only");
      assertWithheld(r.getSites(2), why);
      if (a == COUNT) {
        assertThat(r.getPooled().getCount().getCount()).isEqualTo(929);
        assertThat(r.getSitesList()).noneMatch(SiteOutcome::hasResult);
      }
      if (a == META) {
        assertThat(r.getPooled().getMeta().getTermsList()).isNotEmpty().allSatisfy(t -> {
          assertThat(t.getNodeIdsList()).isEmpty();
          assertThat(t.getSiteEstimatesList()).isEmpty();
          assertThat(t.getSiteVariancesList()).isEmpty();
        });
      }
    }
  }

  @Test
  void aPooledValueOfThePooledOnlySiteAloneIsNotGiven() throws Exception {
    Federation f = federation(Set.of("site2"));
    AnalysisResponse r = f.run(request(COUNT).toBuilder().addNodeIds("site2").build(), "alice");
    assertThat(r.getPooledAvailable()).isFalse();
    assertThat(r.hasPooled()).isFalse();
    assertThat(r.getPooledNote()).isEqualTo("no pooled value: it would be the values of site2 alone, which its node "
        + "keeps for pooling only (pooled-only)");
    assertWithheld(r.getSites(0), "pooled-only");
    // A site that shows its values still shows them alone.
    AnalysisResponse shown = f.run(request(COUNT).toBuilder().addNodeIds("site1").build(), "alice");
    assertThat(shown.getSites(0).getResult().getCount().getCount()).isEqualTo(309);
    assertThat(shown.getPooled().getCount().getCount()).isEqualTo(309);
  }

  @Test
  void aQueryOverEveryNodesBudgetGetsResourceExhausted() throws Exception {
    Federation f = federation(i -> SharedData.colonDataset(i, ANALYSES, "").replace("    analyses: [",
        "    limits: {queries-per-hour: 1}\n    analyses: ["));
    assertThat(f.run(request(COUNT), "alice").getPooled().getCount().getCount()).isEqualTo(929);
    assertThatThrownBy(() -> f.run(request(COUNT), "alice")).isInstanceOfSatisfying(RequestRejected.class,
        e -> {
          assertThat(e.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.status().getDescription()).contains("the requester has made 1 query of dataset colon in the "
              + "last hour, this node's limit (rule queries-per-hour = 1)");
        });
    // Each researcher has a budget of their own.
    assertThat(f.run(request(COUNT), "bob").getPooledAvailable()).isTrue();
  }
}
