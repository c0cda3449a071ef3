package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.testing.FakeNode;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a federation's observer hears: every request as it ends, however it ends, and every health check. */
class FederationObserverTest {
  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  private final List<FederationObserver.Ended> ended = new CopyOnWriteArrayList<>();
  private final List<String> checks = new CopyOnWriteArrayList<>();

  private final FederationObserver observer = new FederationObserver() {
    @Override
    public void requestEnded(Ended request) {
      ended.add(request);
    }

    @Override
    public void healthChecked(String nodeId, boolean up, Duration took) {
      checks.add(nodeId + (up ? " up" : " down"));
    }
  };

  private static AnalysisRequest count(String dataset) {
    return AnalysisRequest.newBuilder().setDataset(dataset).setProject("p1")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  }

  @Test
  void answeredRejectedAndFetchedRequestsAreHeardWithWhoAskedAndHowTheyEnded() throws Exception {
    FakeNode site1 = sites.fake("site1");
    FakeNode site2 = sites.fake("site2");
    site1.answers.set(r -> AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(40)).build());
    site2.refuses.set(r -> true);
    Federation f = sites.federation(Duration.ofSeconds(5), 8, Analyses.builtIn(), site1, site2);
    f.observe(observer);

    f.runAsync(count("colon"), "alice@127.0.0.1:4711").join();
    assertThatThrownBy(() -> f.run(count("colonn"), "bob@127.0.0.1:4712")).isInstanceOf(RequestRejected.class);
    assertThatThrownBy(() -> f.fetchAsync("not-an-id", "carol@x")).isInstanceOf(RequestRejected.class);

    assertThat(ended).hasSize(3);
    FederationObserver.Ended answered = ended.get(0);
    assertThat(answered.operation()).isEqualTo("run");
    assertThat(answered.researcher()).isEqualTo("alice");
    assertThat(answered.request().getProject()).isEqualTo("p1");
    assertThat(answered.status().isOk()).isTrue();
    assertThat(answered.response().orElseThrow().getSitesList()).extracting(SiteOutcome::getStatus)
        .containsExactly(SiteOutcome.Status.ANSWERED, SiteOutcome.Status.REFUSED);
    assertThat(ended.get(1).researcher()).isEqualTo("bob");
    assertThat(ended.get(1).status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(ended.get(1).response()).isEmpty();
    assertThat(ended.get(2).operation()).isEqualTo("fetch");
    assertThat(ended.get(2).status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(ended.get(2).request()).isEqualTo(AnalysisRequest.getDefaultInstance());
  }

  @Test
  void aFailingObserverDoesNotFailTheRequest() throws Exception {
    FakeNode site1 = sites.fake("site1");
    site1.answers.set(r -> AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(40)).build());
    Federation f = sites.federation(Duration.ofSeconds(5), 8, Analyses.builtIn(), site1);
    f.observe(new FederationObserver() {
      @Override
      public void requestEnded(Ended request) {
        throw new IllegalStateException("observer broken");
      }
    });
    // The failure is logged (a warning with its stack trace); not in this build's log.
    Logger log = Logger.getLogger(Federation.class.getName());
    Level level = log.getLevel();
    log.setLevel(Level.SEVERE);
    try {
      assertThat(f.run(count("colon"), "alice").getPooledAvailable()).isTrue();
      assertThatThrownBy(() -> f.run(count("colonn"), "alice")).isInstanceOf(RequestRejected.class);
    } finally {
      log.setLevel(level);
    }
  }

  @Test
  void healthChecksAreHeardUpAndDown() throws Exception {
    FakeNode site1 = sites.fake("site1");
    Federation f = sites.federation(Duration.ofSeconds(5), 8, Analyses.builtIn(), site1);
    f.observe(observer);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      f.watch(scheduler, Duration.ofMillis(50), Duration.ofMillis(20), Duration.ofSeconds(2));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!checks.contains("site1 up") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      site1.healthy = false;
      while (!checks.contains("site1 down") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      scheduler.shutdownNow();
    }
    assertThat(checks).contains("site1 up", "site1 down");
  }
}
