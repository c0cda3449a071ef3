package org.fedstats.node.review;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.node.testing.Requests.cmp;
import static org.fedstats.node.testing.Requests.summary;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.node.NodeMainAccess;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.ServedSite;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fedstats-node review list | show | approve | deny}, run in-process on the state of a node that is running
 * (site 2 of colon, reviewing every summary), as its data steward would.
 */
class ReviewCommandTest {
  @TempDir
  Path tmp;

  private NodeSettings settings;
  private Path config;
  private ServedSite site;

  private record Run(int status, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    settings = SharedData.node(tmp, "site2", SharedData.colonDataset(2, "count, summary",
        "review: {analyses: [summary], rules: [min-summary-n]}"));
    config = tmp.resolve("site2.yaml");
    site = ServedSite.start(settings);
  }

  @AfterEach
  void stop() throws Exception {
    site.close();
  }

  private Run review(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("review"));
    all.addAll(List.of(args));
    all.addAll(List.of("--config", config.toString()));
    int status = NodeMainAccess.run(all.toArray(String[]::new), new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8));
    return new Run(status, out.toString(UTF_8), err.toString(UTF_8));
  }

  private String hold(double ageAtLeast) {
    NodeAnalysisResponse r = site.ask(cmp("age", ComparisonOperator.GE, ageAtLeast), summary("time"));
    assertThat(r.hasPendingReview()).isTrue();
    return r.getPendingReview().getTicket();
  }

  @Test
  void theStewardListsShowsAndApprovesWhileTheNodeRuns() throws Exception {
    assertThat(review("list").out()).startsWith("no output waits for review in ");
    String ticket = hold(60);

    Run list = review("list");
    assertThat(list.status()).isZero();
    assertThat(list.out()).contains(ticket).contains("PENDING").contains("mallory").contains("colon summary")
        .contains("review: analysis");

    // The steward sees the values: the request, why it waits, and the output itself.
    Run show = review("show", ticket);
    assertThat(show.status()).isZero();
    assertThat(show.out()).contains("ticket     " + ticket).contains("status     PENDING")
        .contains("requester  mallory").contains("\"age\"").contains("analysis: every summary output of dataset colon")
        .contains("\"n\":\"164\"");

    List<String> auditBefore = Files.readAllLines(settings.auditLog());
    Run approve = review("approve", ticket, "--note", "means only", "--steward", "dana");
    assertThat(approve.status()).as(approve.err()).isZero();
    assertThat(approve.out()).contains("ticket " + ticket + " approved by dana");
    // The command writes its decision file only; the node's audit log is the node's to write.
    assertThat(Files.readAllLines(settings.auditLog())).isEqualTo(auditBefore);
    assertThat(review("list").out()).contains("APPROVED");
    assertThat(review("show", ticket).out()).contains("decision   approved by dana").contains(": means only");

    // Decided once: a second decision is refused and changes nothing.
    Run again = review("deny", ticket, "--reason", "changed my mind", "--steward", "eve");
    assertThat(again.status()).isEqualTo(ReviewCommand.FAILED);
    assertThat(again.err()).contains("already decided");

    // The node acts on the decision when the researcher fetches; the audit log records it then.
    assertThat(site.fetch(ServedSite.MALLORY, ticket).getResult().getSummary().getN()).isEqualTo(164);
    assertThat(Files.readAllLines(settings.auditLog()).getLast()).contains("approved by dana (means only)");
    assertThat(review("list").out()).contains("RELEASED");
  }

  @Test
  void aDenialNeedsAReasonAndTheStewardsNameAndReachesTheResearcher() {
    String ticket = hold(60);
    Run noReason = review("deny", ticket);
    assertThat(noReason.status()).isEqualTo(2);
    assertThat(noReason.err()).contains("--reason");

    Run deny = review("deny", ticket, "--reason", "identifies a small group", "--steward", "dana");
    assertThat(deny.status()).as(deny.err()).isZero();
    NodeAnalysisResponse r = site.fetch(ServedSite.MALLORY, ticket);
    assertThat(r.getRefusal().getRule()).isEqualTo("review-denied");
    assertThat(r.getRefusal().getReason()).endsWith("identifies a small group");
    assertThat(review("list").out()).contains("REFUSED (review-denied)");
  }

  @Test
  void anUnknownTicketOrConfigurationIsOneLineAndExitStatusOne() throws Exception {
    Run unknown = review("show", ReleaseQueue.newTicket());
    assertThat(unknown.status()).isEqualTo(ReviewCommand.FAILED);
    assertThat(unknown.err()).startsWith("fedstats-node review: no output waits for review under ticket")
        .contains("'fedstats-node review list' lists them");
    Run traversal = review("approve", "../../site2", "--steward", "dana");
    assertThat(traversal.status()).isEqualTo(ReviewCommand.FAILED);
    assertThat(tmp.resolve("site2.decision")).doesNotExist();

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = NodeMainAccess.run(new String[] {"review", "list", "--config", tmp.resolve("none.yaml").toString()},
        new PrintStream(new ByteArrayOutputStream(), true, UTF_8), new PrintStream(err, true, UTF_8));
    assertThat(status).isEqualTo(ReviewCommand.FAILED);
    assertThat(err.toString(UTF_8)).contains("none.yaml").contains("does not exist");
  }
}
