package org.fedstats.node.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.common.audit.ChainedLog;
import org.fedstats.node.NodeMainAccess;
import org.fedstats.node.NodeServer;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's audit log is a hash chain: every answer carries the log's head after its entry and the hash of what was
 * released, and {@code fedstats-node audit verify} finds an entry changed afterwards, and (given a head kept
 * elsewhere) entries cut from the end.
 */
class TamperEvidentAuditTest {
  @TempDir
  Path tmp;

  private record Run(int status, String out) {}

  private static Run verify(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("audit", "verify"));
    all.addAll(List.of(args));
    int status = NodeMainAccess.run(all.toArray(String[]::new), new PrintStream(out, true, UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
    return new Run(status, out.toString(UTF_8));
  }

  private static NodeAnalysisRequest count(String id, int minAge) {
    return NodeAnalysisRequest.newBuilder().setRequestId(id).setRequester("alice").setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()))
        .setFilter(Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
            .setOp(ComparisonOperator.GE).setValue(Value.newBuilder().setNumber(minAge)))).build();
  }

  @Test
  void answersCarryTheHeadAndTheReleasedHashAndTamperingIsFound() throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", ""));
    String name = InProcessServerBuilder.generateName();
    List<NodeAnalysisResponse> answers = new ArrayList<>();
    try (NodeServer node = NodeServer.start(settings, new SimpleMeterRegistry(), InProcessServerBuilder.forName(name))) {
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try {
        NodeServiceGrpc.NodeServiceBlockingStub stub = NodeServiceGrpc.newBlockingStub(channel);
        answers.add(stub.runAnalysis(count("r1", 20)));
        answers.add(stub.runAnalysis(count("r2", 90))); // too few: refused, audited all the same
        answers.add(stub.runAnalysis(count("r3", 40)));
      } finally {
        channel.shutdownNow();
      }
    }
    Path log = settings.auditLog();
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(3);
    assertThat(answers.get(1).hasRefusal()).isTrue();
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 3; i++) {
      NodeAnalysisResponse answer = answers.get(i);
      assertThat(answer.getAuditHead()).as("answer %d's head is the hash of its own entry", i)
          .isEqualTo(ChainedLog.sha256(lines.get(i).getBytes(UTF_8)));
      JsonNode entry = json.readTree(lines.get(i));
      assertThat(entry.get("released").asText()).as("entry %d's hash of what left the node", i)
          .isEqualTo(ChainedLog.sha256(answer.toBuilder().clearAuditHead().build().toByteArray()));
      assertThat(entry.get("prev").asText())
          .isEqualTo(i == 0 ? ChainedLog.GENESIS : ChainedLog.sha256(lines.get(i - 1).getBytes(UTF_8)));
    }

    Run intact = verify(log.toString(), "--head", answers.get(2).getAuditHead());
    assertThat(intact.status()).as(intact.out()).isZero();
    assertThat(intact.out()).startsWith("audit log " + log + ": intact, 3 entries, head "
        + answers.get(2).getAuditHead());

    // The refusal rewritten as an answer, to hide that a small cohort was asked for.
    List<String> edited = new ArrayList<>(lines);
    edited.set(1, lines.get(1).replace("\"REFUSED\"", "\"ANSWERED\""));
    Files.write(log, edited);
    Run changed = verify(log.toString());
    assertThat(changed.status()).isEqualTo(1);
    assertThat(changed.out()).contains("CHANGED").contains("the chain breaks at line 3: line 2 was changed");

    // The last entry cut off: only the head the coordinator recorded shows it.
    Files.write(log, lines.subList(0, 2));
    assertThat(verify(log.toString()).status()).isZero();
    Run cut = verify(log.toString(), "--head", answers.get(2).getAuditHead());
    assertThat(cut.status()).isEqualTo(1);
    assertThat(cut.out()).contains("no line has the expected head");
  }

  @Test
  void aMissingLogIsAFailureNotASuccess() {
    assertThat(verify(tmp.resolve("none.jsonl").toString()).status()).isEqualTo(1);
  }
}
