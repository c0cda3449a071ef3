package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.client.cli.FedstatsCliTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fedstats.client.cli.FedstatsCliTest.Run;
import org.fedstats.client.testing.FakeCoordinator;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.Refusal;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The analysis commands' output in every format, byte for byte, and their exit codes and help, against canned
 * coordinator answers: all sites answered (pooled), and one refused and one failed (no pooled value). The expected
 * output is in src/test/resources/golden; run with -Dgolden.write=true to write it anew (and review the diff).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliOutputUnchangedTest {
  private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  private FakeCoordinator coordinator;

  @BeforeAll
  void start() throws IOException {
    coordinator = new FakeCoordinator(CliOutputUnchangedTest::answer);
  }

  @AfterAll
  void stop() {
    coordinator.close();
  }

  /** The dataset "partial" gets a refusal and a failure, any other all answers. */
  static AnalysisResponse answer(AnalysisRequest request) {
    List<AnalysisResult> site = switch (request.getAnalysis().getKindCase()) {
      case COUNT -> Stream.of(309L, 310L, 310L, 929L)
          .map(c -> AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(c)).build()).toList();
      case SUMMARY -> List.of(summary(309, 1, 59.8, 41000.5), summary(310, 0, 60.25, 39876.125),
          summary(310, 2, 59.2, 40100.0), summary(929, 3, 59.7546, 121220.33));
      case TABLE -> request.getAnalysis().getTable().getColumnVariable().isEmpty()
          ? List.of(oneWay(10, 20, 30), oneWay(11, 21, 31), oneWay(12, 22, 32), oneWay(33, 63, 93))
          : List.of(twoWay(1), twoWay(2), twoWay(3), twoWay(6));
      case HISTOGRAM -> List.of(histogram(1), histogram(2), histogram(3), histogram(6));
      default -> throw new IllegalArgumentException(request.getAnalysis().getKindCase().name());
    };
    AnalysisResponse.Builder b = AnalysisResponse.newBuilder().setRequestId("req-" + request.getDataset());
    b.addSites(SiteOutcome.newBuilder().setNodeId("site1").setStatus(SiteOutcome.Status.ANSWERED)
        .setResult(site.get(0)).setLatencyMs(12.5));
    if (request.getDataset().equals("partial")) {
      b.addSites(SiteOutcome.newBuilder().setNodeId("site2").setStatus(SiteOutcome.Status.REFUSED)
          .setRefusal(Refusal.newBuilder().setRule("min-cell-count").setThreshold(5)
              .setReason("a cell has fewer than 5 records")).setLatencyMs(7.25));
      b.addSites(SiteOutcome.newBuilder().setNodeId("site3").setStatus(SiteOutcome.Status.FAILED)
          .setErrorCode("UNAVAILABLE").setError("io exception, node down").setLatencyMs(3001));
      b.setPooledNote("no pooled value: 2 of 3 sites did not answer (site2 refused: min-cell-count; site3 failed: "
          + "UNAVAILABLE)");
    } else {
      b.addSites(SiteOutcome.newBuilder().setNodeId("site2").setStatus(SiteOutcome.Status.ANSWERED)
          .setResult(site.get(1)).setLatencyMs(7.25));
      b.addSites(SiteOutcome.newBuilder().setNodeId("site3").setStatus(SiteOutcome.Status.ANSWERED)
          .setResult(site.get(2)).setLatencyMs(0.123456789));
      b.setPooledAvailable(true).setPooled(site.get(3)).setPooledNote("pooled over all 3 sites")
          .addAllPooledNodeIds(List.of("site1", "site2", "site3"));
    }
    return b.build();
  }

  private static AnalysisResult summary(long n, long missing, double mean, double m2) {
    return AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder().setN(n).setMissing(missing)
        .setMean(mean).setM2(m2).setVariance(m2 / (n - 1))).build();
  }

  private static AnalysisResult oneWay(long... counts) {
    List<String> levels = List.of("Obs", "Lev, low dose", "<missing>");
    TableResult.Builder t = TableResult.newBuilder().setRowVariable("rx").addAllRowLevels(levels);
    for (int i = 0; i < levels.size(); i++) {
      t.addCells(TableCell.newBuilder().setRow(levels.get(i)).setCount(counts[i]));
    }
    return AnalysisResult.newBuilder().setTable(t).build();
  }

  private static AnalysisResult twoWay(long k) {
    List<String> rows = List.of("Obs", "Lev", "Lev+5FU");
    List<String> columns = List.of("0", "1");
    TableResult.Builder t = TableResult.newBuilder().setRowVariable("rx").setColumnVariable("status")
        .addAllRowLevels(rows).addAllColumnLevels(columns);
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < columns.size(); c++) {
        t.addCells(TableCell.newBuilder().setRow(rows.get(r)).setColumn(columns.get(c)).setCount(k * (10 * r + c)));
      }
    }
    return AnalysisResult.newBuilder().setTable(t).build();
  }

  private static AnalysisResult histogram(long k) {
    return AnalysisResult.newBuilder().setHistogram(HistogramResult.newBuilder()
        .addAllBreaks(List.of(0.0, 40.5, 60.0, 1e6)).addAllCounts(List.of(3 * k, 100 * k, 7 * k))
        .setBelow(k).setAbove(0).setMissing(2 * k)).build();
  }

  static Stream<String> cases() {
    List<String> cases = new ArrayList<>();
    for (String dataset : List.of("colon", "partial")) {
      for (String format : List.of("text", "json", "csv")) {
        for (String analysis : List.of("count", "summary age", "table rx", "table rx status",
            "histogram age --breaks 0,40.5,60,1e6", "count --where sex=0 --partial --nodes site1,site2")) {
          cases.add(format + " " + dataset + " " + analysis);
        }
      }
    }
    for (String command : List.of("count", "summary", "table", "histogram", "pki")) {
      cases.add("help " + command);
    }
    cases.add("help");
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void outputIsUnchanged(String spec) throws IOException {
    String[] words = spec.split(" ");
    List<String> args = new ArrayList<>();
    if (!words[0].equals("help")) {
      args.addAll(List.of("--coordinator", coordinator.address(), "--user", "golden", "--format", words[0],
          words[2], words[1]));
      args.addAll(List.of(words).subList(3, words.length));
    } else {
      args.addAll(List.of(words));
    }
    Run r = run(args.toArray(String[]::new));
    String actual = "exit " + r.exit() + "\n--- stdout\n" + r.out() + "--- stderr\n" + r.err();
    Path file = GOLDEN.resolve(spec.replaceAll("[^A-Za-z0-9.]+", "_") + ".txt");
    if (Boolean.getBoolean("golden.write")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(file));
  }
}
