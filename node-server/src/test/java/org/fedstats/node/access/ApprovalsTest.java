package org.fedstats.node.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.testing.TestClock;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Study approvals at a node: what a project's approval covers, and its file re-read without a restart. */
class ApprovalsTest {
  private static final String P1 = """
      projects:
        - id: P1
          title: Adjuvant chemotherapy and survival
          committee: DAC-2026-014
          researchers: [alice, bob]
          datasets: [colon]
          analyses: [count, summary]
          valid-from: 2026-01-01
          valid-until: 2026-10-01
      """;

  @TempDir
  Path tmp;

  private Approvals approvals(String yaml) throws IOException {
    Path file = tmp.resolve("approvals.yaml");
    Files.writeString(file, yaml);
    return Approvals.read(file);
  }

  private Optional<String> denial(Approvals a, String project, String researcher, String dataset, String analysis,
      String day) {
    return a.denial(project, researcher, dataset, analysis, "site1", LocalDate.parse(day));
  }

  @Test
  void anApprovalCoversItsResearchersDatasetsAnalysesAndDays() throws Exception {
    Approvals a = approvals(P1);
    assertThat(denial(a, "P1", "alice", "colon", "count", "2026-06-01")).isEmpty();
    assertThat(denial(a, "P1", "bob", "colon", "summary", "2026-01-01")).isEmpty();
    assertThat(denial(a, "P1", "bob", "colon", "summary", "2026-10-01")).isEmpty();
  }

  @Test
  void anythingOutsideAnApprovalIsDeniedNamingWhatIsMissing() throws Exception {
    Approvals a = approvals(P1);
    assertThat(denial(a, "P1", "alice", "colon", "glm", "2026-06-01"))
        .contains("project P1 does not approve analysis glm on dataset colon at node site1");
    assertThat(denial(a, "P1", "alice", "infert", "count", "2026-06-01"))
        .contains("project P1 does not approve dataset infert at node site1");
    assertThat(denial(a, "P1", "mallory", "colon", "count", "2026-06-01"))
        .contains("project P1 does not approve researcher mallory at node site1");
    assertThat(denial(a, "P1", "alice", "colon", "count", "2026-10-02"))
        .contains("approval P1 at node site1 expired on 2026-10-01");
    assertThat(denial(a, "P1", "alice", "colon", "count", "2025-12-31"))
        .contains("approval P1 at node site1 starts on 2026-01-01");
    assertThat(denial(a, "P2", "alice", "colon", "count", "2026-06-01"))
        .contains("project P2 has no approval at node site1");
    assertThat(denial(a, "", "alice", "colon", "count", "2026-06-01")).get().asString()
        .contains("names none").contains("--project");
  }

  @Test
  void aFileThatDoesNotCheckIsRefusedWithTheReason() {
    assertThatThrownBy(() -> approvals("projects:\n  - {id: P1, researchers: [a], datasets: [colon], "
        + "analyses: [count]}\n")).isInstanceOf(IOException.class).hasMessageContaining("needs valid-until");
    assertThatThrownBy(() -> approvals("projects:\n  - {id: P1, researchers: [a], datasets: [colon], "
        + "analyses: [count], valid-until: 31/12/2026}\n")).hasMessageContaining("not a date written YYYY-MM-DD");
    assertThatThrownBy(() -> approvals("projects:\n  - {id: P1, researcher: [a]}\n"))
        .hasMessageContaining("unknown key 'researcher'").hasMessageContaining("did you mean 'researchers'");
    assertThatThrownBy(() -> approvals(P1 + P1.substring(P1.indexOf("  - id"))))
        .hasMessageContaining("project P1 is approved twice");
  }

  @Test
  void theNodeReadsAChangedFileWithoutRestartAndKeepsTheLastGoodOneWhenItBreaks() throws Exception {
    Path file = tmp.resolve("approvals.yaml");
    Files.writeString(file, P1);
    TestClock clock = new TestClock(Instant.parse("2026-06-01T10:00:00Z"));
    RequestAccess access = RequestAccess.open("site1", Optional.empty(), AccessSettings.DEFAULT.withApprovals(file),
        clock);
    assertThat(access.admit(request("P1", "glm"), "glm").refusal()).get().extracting(RequestException::code)
        .isEqualTo(Status.Code.PERMISSION_DENIED);

    // The data access committee adds glm: the next request sees it.
    rewrite(file, P1.replace("analyses: [count, summary]", "analyses: [count, summary, glm]"));
    assertThat(access.admit(request("P1", "glm"), "glm").refusal()).isEmpty();

    // A broken edit: the approvals read before stay, and the node says so in its log.
    Logger log = Logger.getLogger(ApprovalsFile.class.getName());
    StringBuilder logged = new StringBuilder();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
          logged.append(r.getMessage()).append('\n');
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(handler);
    boolean parents = log.getUseParentHandlers();
    log.setUseParentHandlers(false); // the expected error goes to this test, not to the build's output
    try {
      rewrite(file, "projects: [ {id: P1, valid-until: not-a-date");
      assertThat(access.admit(request("P1", "glm"), "glm").refusal()).isEmpty();
      assertThat(logged.toString()).contains("approvals file " + file + " is not valid")
          .contains("read before stay in force (1 projects)");
      // Logged once per change, not at every request.
      access.admit(request("P1", "count"), "count");
      assertThat(logged.toString().lines().filter(l -> l.contains("is not valid")).count()).isEqualTo(1);
    } finally {
      log.removeHandler(handler);
      log.setUseParentHandlers(parents);
    }

    // Fixed again, and the approval has expired by then.
    rewrite(file, P1);
    clock.advance(Duration.ofDays(200));
    assertThat(access.admit(request("P1", "count"), "count").refusal()).get()
        .extracting(Throwable::getMessage).asString().isEqualTo("approval: approval P1 at node site1 expired on 2026-10-01");
  }

  @Test
  void aNodeDoesNotStartWithABrokenApprovalsFile() throws Exception {
    Path file = tmp.resolve("approvals.yaml");
    Files.writeString(file, "projects: [ {id: P1");
    assertThatThrownBy(() -> RequestAccess.open("site1", Optional.empty(), AccessSettings.DEFAULT.withApprovals(file),
        new TestClock(Instant.now()))).isInstanceOf(IOException.class).hasMessageContaining(file.toString());
  }

  /** Writes {@code text} and moves the modification time on, as an edit a second later would. */
  private static void rewrite(Path file, String text) throws IOException {
    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(1)));
  }

  private static NodeAnalysisRequest request(String project, String analysis) {
    return NodeAnalysisRequest.newBuilder().setRequestId("r").setRequester("alice@/10.0.0.1:1").setDataset("colon")
        .setProject(project).setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  }
}
