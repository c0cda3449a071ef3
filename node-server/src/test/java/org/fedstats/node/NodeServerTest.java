package org.fedstats.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node over real Netty on loopback under concurrent load: every request answered and audited, one line each. */
class NodeServerTest {
  @Test
  void concurrentRequestsAreAllAnsweredAndAuditedWholeLines(@TempDir Path tmp) throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, SharedData.ALL, ""));
    int threads = 8;
    int perThread = 25;
    try (NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry())) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        var stub = NodeServiceGrpc.newBlockingStub(channel);
        List<Future<List<String>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          futures.add(pool.submit(() -> {
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
              // Three kinds of request in turn: answered, refused, rejected.
              double age = switch (i % 3) {
                case 0 -> 60;
                case 1 -> 31;
                default -> -1;
              };
              var request = NodeAnalysisRequest.newBuilder().setRequestId("r" + i).setDataset("colon")
                  .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()))
                  .setFilter(Filter.newBuilder().setComparison(Comparison.newBuilder()
                      .setVariable(age < 0 ? "no_such_variable" : "age").setOp(ComparisonOperator.LT)
                      .setValue(Value.newBuilder().setNumber(age))))
                  .build();
              try {
                var response = stub.withDeadlineAfter(30, TimeUnit.SECONDS).runAnalysis(request);
                outcomes.add(response.hasResult() ? "ANSWERED" : "REFUSED");
              } catch (StatusRuntimeException e) {
                outcomes.add(e.getStatus().getCode().name());
              }
            }
            return outcomes;
          }));
        }
        List<String> outcomes = new ArrayList<>();
        for (Future<List<String>> f : futures) {
          outcomes.addAll(f.get(120, TimeUnit.SECONDS));
        }
        Map<String, Long> seen = outcomes.stream().collect(Collectors.groupingBy(Function.identity(),
            Collectors.counting()));
        assertThat(seen).containsOnlyKeys("ANSWERED", "REFUSED", "INVALID_ARGUMENT");
        assertThat(outcomes).hasSize(threads * perThread);

        List<String> lines = Files.readAllLines(settings.auditLog());
        assertThat(lines).hasSize(threads * perThread);
        ObjectMapper json = new ObjectMapper();
        Map<String, Long> audited = new java.util.HashMap<>();
        for (String line : lines) {
          audited.merge(json.readTree(line).get("outcome").asText(), 1L, Long::sum);
        }
        assertThat(audited).isEqualTo(seen);
      } finally {
        pool.shutdownNow();
        channel.shutdownNow();
      }
    }
  }
}
