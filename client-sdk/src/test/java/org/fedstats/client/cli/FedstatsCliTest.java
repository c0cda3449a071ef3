package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.client.NettyFederationAccess;
import org.fedstats.node.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line against a real federation on loopback, in each output format. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FedstatsCliTest {
  private AutoCloseable federation;
  private String address;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    var f = NettyFederationAccess.start(tmp, site -> SharedData.colonDataset(site, SharedData.ALL, ""));
    federation = f;
    address = NettyFederationAccess.address(f);
  }

  @AfterAll
  void stop() throws Exception {
    if (federation != null) {
      federation.close();
    }
  }

  record Run(int exit, String out, String err) {}

  /** Runs the command line against the test federation. */
  private Run cli(String... args) {
    return against(address, args);
  }

  /** Runs the command line against the coordinator at {@code address}, as the user cli-test. */
  static Run against(String address, String... args) {
    List<String> all = new ArrayList<>(List.of("--coordinator", address, "--user", "cli-test"));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  /** Runs the command line with exactly these arguments. */
  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FedstatsCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void textOutputShowsSitesAndThePooledValue() {
    Run r = cli("summary", "colon", "age");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("site1    answered  n = 309").contains("pooled   n = 929, missing = 0, mean = 59.7546")
        .contains("pooled over all 3 sites");
  }

  @Test
  void jsonOutputIsTheFullResponseWithCountsAsNumbers() throws Exception {
    Run r = cli("--format", "json", "count", "colon", "--where", "sex = 0");
    assertThat(r.exit()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    JsonNode pooled = json.get("pooled").get("count").get("count");
    assertThat(pooled.isIntegralNumber()).as("pooled count %s is a JSON number", pooled).isTrue();
    assertThat(pooled.asLong()).isEqualTo(445);
    assertThat(json.get("sites")).hasSize(3);

    JsonNode summary = new ObjectMapper().readTree(cli("--format", "json", "summary", "colon", "age").out());
    assertThat(summary.findValues("n")).hasSize(4).allSatisfy(n -> assertThat(n.isIntegralNumber()).isTrue());
    assertThat(summary.get("pooled").get("summary").get("n").asLong()).isEqualTo(929);
    assertThat(summary.get("pooled").get("summary").get("mean").isNumber()).isTrue();

    JsonNode histogram = new ObjectMapper().readTree(cli("--format", "json", "histogram", "colon", "age",
        "--breaks", "0,40,50,60,70,100").out());
    assertThat(histogram.get("pooled").get("histogram").get("counts"))
        .allSatisfy(c -> assertThat(c.isIntegralNumber()).isTrue()).extracting(JsonNode::asLong)
        .containsExactly(70L, 113L, 231L, 298L, 217L);

    JsonNode nodes = new ObjectMapper().readTree(cli("--format", "json", "nodes").out());
    assertThat(nodes.get("nodes").get(0).get("requests").isIntegralNumber()).isTrue();
    // Fields at their default value are written, not left out: no node has failed yet, and that is a 0.
    assertThat(nodes.get("nodes")).allSatisfy(n -> {
      assertThat(n.get("errors")).as("errors of %s", n).isNotNull();
      assertThat(n.get("errors").isIntegralNumber()).isTrue();
      assertThat(n.get("errors").asLong()).isZero();
      assertThat(n.get("lastError").asText()).isEmpty();
    });
  }

  @Test
  void globalOptionsAlsoAfterTheCommand() throws Exception {
    Run r = run("count", "colon", "--coordinator", address, "--format", "json", "--user", "cli-test");
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(new ObjectMapper().readTree(r.out()).get("pooled").get("count").get("count").asLong()).isEqualTo(929);
    assertThat(run("-C", address, "nodes", "-f", "csv").out()).startsWith("node,address,reachable");
  }

  @Test
  void csvOutputHasOneRowPerSiteAndPooled() {
    Run r = cli("--format", "csv", "table", "colon", "rx", "status");
    assertThat(r.exit()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("site,status,row,column,count,note");
    assertThat(lines).contains("pooled,POOLED,Lev+5FU,1,123,pooled over all 3 sites");
    assertThat(lines).hasSize(1 + 4 * 6);
  }

  @Test
  void aRefusalExitsWithTwoAndSaysWhy() {
    Run r = cli("count", "colon", "--where", "age < 30 and sex = 1");
    assertThat(r.exit()).isEqualTo(FedstatsCli.NO_POOLED_VALUE);
    assertThat(r.out()).contains("REFUSED   rule min-cohort-size (threshold 10): the cohort has fewer than 10 records")
        .contains("no pooled value");
  }

  @Test
  void badRequestsExitWithOneAndAClearMessage() {
    Run unknown = cli("summary", "colon", "weight");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("INVALID_ARGUMENT: unknown variable 'weight' in dataset colon");
    Run parse = cli("count", "colon", "--where", "age >");
    assertThat(parse.exit()).isEqualTo(1);
    assertThat(parse.err()).contains("expected a value");
    Run dataset = cli("count", "registry");
    assertThat(dataset.err()).contains("NOT_FOUND");
  }

  @Test
  void listsNodesDatasetsAndVariables() {
    assertThat(cli("nodes").out()).contains("site1").contains("up").contains("colon");
    // colon declares nine columns, but its patient id is an identifier: neither counted nor listed.
    assertThat(cli("--format", "csv", "datasets").out()).contains("colon,site1 site2 site3,8,");
    assertThat(cli("variables", "colon").out()).contains("rx             categorical").contains("[Obs, Lev, Lev+5FU]")
        .doesNotContainPattern("(?m)^\\s*id\\b");
  }

  @Test
  void anIdentifierIsRefusedByEverySiteWithItsRule() {
    Run r = cli("count", "colon", "--where", "id < 100");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("PERMISSION_DENIED: variable id of dataset colon is an identifier (rule identifier)");
  }

  @Test
  void histogramNeedsBreaks() {
    Run r = cli("histogram", "colon", "age", "--breaks", "0,40,50,60,70,100");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("[70, 100]");
    assertThat(cli("histogram", "colon", "age").exit()).isEqualTo(2); // picocli usage error, not "no pooled value"
  }
}
