package org.fedstats.client.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fedstats.client.NettyFederationAccess;
import org.fedstats.client.cli.FedstatsCliTest.Run;
import org.fedstats.node.NodeMainAccess;
import org.fedstats.node.testing.SharedData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review end to end over real Netty on 127.0.0.1: a coordinator and three nodes, site 2 reviewing every summary. The
 * researcher's request waits (PENDING_REVIEW, no value), site 2's data steward decides with
 * {@code fedstats-node review}, the researcher's {@code fedstats fetch} gets what an unreviewed federation gives, or
 * the steward's refusal; and an attacker's pair is still caught at release.
 */
class ReviewEndToEndTest {
  private static final Pattern FETCH = Pattern.compile("fedstats fetch ([0-9a-f-]{36})");
  private static final Pattern TICKET = Pattern.compile("site2 +PENDING +review by the site's data steward, ticket "
      + "([0-9a-f]{32})");

  @TempDir
  Path tmp;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** A federation whose site 2 has {@code site2} as its disclosure policy; its coordinator's address. */
  private String federation(Path dir, String site2) throws Exception {
    AutoCloseable f = NettyFederationAccess.start(dir, site -> SharedData.colonDataset(site, SharedData.ALL,
        site == 2 ? site2 : ""));
    open.add(f);
    return NettyFederationAccess.address(f);
  }

  private static String group(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    assertThat(m.find()).as("%s in %s", pattern, text).isTrue();
    return m.group(1);
  }

  /** Site 2's data steward, on the node's machine. */
  private Run steward(Path dir, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("review"));
    all.addAll(List.of(args));
    all.addAll(List.of("--config", dir.resolve("site2.yaml").toString()));
    int exit = NodeMainAccess.run(all.toArray(String[]::new), new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8));
    return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
  }

  private static String pooledLine(String out) {
    return out.lines().filter(l -> l.startsWith("  pooled")).findFirst().orElseThrow();
  }

  @Test
  void aRequestWaitsForTheStewardAndIsFetchedAsAnUnreviewedOneWouldBePooled() throws Exception {
    Path dir = tmp.resolve("reviewed");
    String address = federation(dir, "review: {analyses: [summary]}");
    Run asked = FedstatsCliTest.against(address, "summary", "colon", "time", "--where", "age >= 60");
    assertThat(asked.exit()).as(asked.err()).isEqualTo(FedstatsCli.PENDING_REVIEW);
    String ticket = group(TICKET, asked.out());
    String requestId = group(FETCH, asked.out());
    // No pooled value and no site's value: the others' are shown once every site has answered.
    assertThat(asked.out()).doesNotContain("  pooled ").doesNotContain("mean =")
        .contains("site1    answered  (site values withheld: shown once every site has answered");

    // Another researcher cannot fetch it; before the steward decides, it is still pending.
    Run mallory = FedstatsCliTest.run("--coordinator", address, "--user", "mallory", "fetch", requestId);
    assertThat(mallory.exit()).isEqualTo(1);
    assertThat(mallory.err()).contains("asked by another researcher");
    assertThat(FedstatsCliTest.against(address, "fetch", requestId).exit()).isEqualTo(FedstatsCli.PENDING_REVIEW);

    Run list = steward(dir, "list");
    assertThat(list.out()).contains(ticket).contains("PENDING").contains("cli-test");
    assertThat(steward(dir, "show", ticket).out()).contains("\"n\":\"");
    Run approved = steward(dir, "approve", ticket, "--note", "means of survival time only", "--steward", "dana");
    assertThat(approved.exit()).as(approved.err()).isZero();

    Run fetched = FedstatsCliTest.against(address, "fetch", requestId);
    assertThat(fetched.exit()).as(fetched.err()).isZero();
    Run unreviewed = FedstatsCliTest.against(federation(tmp.resolve("plain"), ""), "summary", "colon", "time",
        "--where", "age >= 60");
    assertThat(pooledLine(fetched.out())).isEqualTo(pooledLine(unreviewed.out())).contains("mean =");
    assertThat(fetched.out()).contains("site2    answered  n = 164").contains("pooled over all 3 sites");
    // The same in JSON, to the last digit.
    Run json = FedstatsCliTest.against(address, "--format", "json", "fetch", requestId);
    Run plainJson = FedstatsCliTest.against(NettyFederationAccess.address(open.getLast()), "--format", "json",
        "summary", "colon", "time", "--where", "age >= 60");
    assertThat(pooledJson(json.out())).isEqualTo(pooledJson(plainJson.out()));
    assertThat(steward(dir, "list").out()).contains("RELEASED");
  }

  private static String pooledJson(String json) throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("pooled").toString();
  }

  @Test
  void aDeniedRequestIsTheStewardsRefusalAndAnAttackersPairIsCaughtAtRelease() throws Exception {
    Path dir = tmp.resolve("reviewed");
    String address = federation(dir, "review: {analyses: [summary]}");
    Run denied = FedstatsCliTest.against(address, "summary", "colon", "age", "--where", "sex = 1");
    String deniedTicket = group(TICKET, denied.out());
    assertThat(steward(dir, "deny", deniedTicket, "--reason", "not within the approved study", "--steward", "dana").exit()).isZero();
    Run refused = FedstatsCliTest.against(address, "fetch", group(FETCH, denied.out()));
    assertThat(refused.exit()).as(refused.err()).isEqualTo(FedstatsCli.NO_POOLED_VALUE);
    assertThat(refused.out()).contains("site2    REFUSED   rule review-denied (threshold 0): the data steward of node "
        + "site2 denied the release: not within the approved study").doesNotContain("  pooled ");

    // The attacker's pair: a summary over age >= 60 waits at site 2, and a count over age > 60 (the 8 patients
    // aged 60 fewer) is answered there meanwhile. Approved on its own merits, the summary is refused at release.
    Run held = FedstatsCliTest.against(address, "summary", "colon", "time", "--where", "age >= 60");
    String ticket = group(TICKET, held.out());
    Run count = FedstatsCliTest.against(address, "count", "colon", "--where", "age > 60", "--nodes", "site2");
    assertThat(count.exit()).as(count.out()).isZero();
    assertThat(steward(dir, "approve", ticket, "--steward", "dana").exit()).isZero();
    Run release = FedstatsCliTest.against(address, "fetch", group(FETCH, held.out()));
    assertThat(release.exit()).isEqualTo(FedstatsCli.NO_POOLED_VALUE);
    assertThat(release.out()).contains("site2    REFUSED   rule overlap-min-difference");
    assertThat(steward(dir, "list").out()).contains("REFUSED (overlap-min-difference)");
  }
}
