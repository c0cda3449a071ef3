package org.fedstats.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.gate.AnalysisEngine;
import org.fedstats.node.gate.Liveness;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.overlap.ReleasedSets;
import org.fedstats.node.store.DataVersion;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FilterList;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.Value;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.RoaringBitmapWriter;

/**
 * The overlap audit's cost on a 1M-row dataset. Phase 1 remembers 10,000 releases: random half-range cohorts
 * ({@code x < t}, or {@code age >= a and x < t}; x uniform in [0, 1) in random row order, t log-uniform so that
 * cohorts range from about 100 records to the whole table), each checked against those before and remembered (the
 * state file forced to disk each time), timed per release; then the heap the remembered sets take. Phase 2 runs
 * count requests through the node's gate (audit log included) on the same data twice over, as two datasets: one
 * audited, one with {@code overlap-audit: false} (the baseline), alternating, with the 10,000 sets remembered.
 * Run with: {@code java -Xmx4g -cp bench/target/fedstats-bench-0.1.0-SNAPSHOT.jar org.fedstats.bench.OverlapBench
 * [rows] [releases] [gate requests]} from the project root, after {@code ./mvnw -DskipTests package}.
 */
public final class OverlapBench {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  private OverlapBench() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int releases = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int requests = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    Path work = Files.createTempDirectory("fedstats-overlap");
    Path data = work.resolve("data.parquet");
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SELECT setseed(0.42)");
      s.execute("COPY (SELECT (18 + floor(random() * 78))::INTEGER AS age, random() AS x, "
          + "(random() < 0.5)::INTEGER AS sex FROM range(" + rows + ")) TO '" + data + "' (FORMAT parquet)");
    }
    System.out.printf("overlap audit bench: %d rows, %d remembered releases, %d gate requests per arm%n", rows,
        releases, requests);
    System.out.printf("data generated in %d ms (%s)%n", ms(start), work);
    String variables = """
            variables:
              - {name: age, type: integer}
              - {name: x, type: numeric}
              - {name: sex, type: integer}
        """;
    Path config = work.resolve("node.yaml");
    Files.writeString(config, "node-id: bench\ninsecure: true\naudit-log: audit.jsonl\ndatasets:\n"
        + "  - name: audited\n    files: [\"" + data + "\"]\n" + variables
        + "  - name: plain\n    files: [\"" + data + "\"]\n    disclosure: {overlap-audit: false}\n" + variables);
    NodeSettings settings = NodeConfigLoader.load(config);
    start = System.nanoTime();
    try (DatasetStore store = DatasetStore.open(settings.datasets());
        OverlapAuditor auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version);
        AuditLog audit = AuditLog.open(settings.auditLog())) {
      System.out.printf("two datasets loaded, with their SHA-256 data versions, in %d ms%n", ms(start));
      DataVersion version = store.version("audited");
      double[] x = new double[rows];
      int[] age = new int[rows];
      try (Connection c = store.connection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT \"x\", \"age\" FROM " + DatasetStore.tableName("audited")
              + " ORDER BY rowid")) {
        for (int i = 0; rs.next(); i++) {
          x[i] = rs.getDouble(1);
          age[i] = rs.getInt(2);
        }
      }
      // Row ids by increasing x: the cohort x < t is a prefix of them.
      int[] byX = IntStream.range(0, rows).boxed().sorted((i, j) -> Double.compare(x[i], x[j]))
          .mapToInt(Integer::intValue).toArray();
      double[] sortedX = Arrays.stream(byX).mapToDouble(i -> x[i]).toArray();
      long heapBefore = usedHeap();

      // Phase 1: the auditor alone, check and remember per release.
      Random random = new Random(42);
      List<Long> checkMicros = new ArrayList<>();
      List<Long> rememberMicros = new ArrayList<>();
      List<Long> checkOnly = new ArrayList<>();
      List<Long> buildMicros = new ArrayList<>();
      int refused = 0;
      int identical = 0;
      long setsSize = 0;
      start = System.nanoTime();
      while (auditor.remembered("audited") < releases) {
        double t = Math.pow(10, -4 + 4 * random.nextDouble());
        int a = random.nextBoolean() ? 18 : 18 + random.nextInt(60);
        long b0 = System.nanoTime();
        int end = Arrays.binarySearch(sortedX, t);
        end = end < 0 ? -end - 1 : end;
        int[] members = new int[end];
        int n = 0;
        for (int k = 0; k < end; k++) {
          if (age[byX[k]] >= a) {
            members[n++] = byX[k];
          }
        }
        Arrays.sort(members, 0, n);
        RoaringBitmapWriter<RoaringBitmap> writer = RoaringBitmapWriter.writer().get();
        for (int k = 0; k < n; k++) {
          writer.add(members[k]);
        }
        RoaringBitmap cohort = writer.get();
        long b1 = System.nanoTime();
        ReleasedSets release = new ReleasedSets("audited", version, List.of(cohort));
        int before = auditor.remembered("audited");
        Optional<Refusal> refusal;
        long b2;
        synchronized (auditor) {
          refusal = auditor.check(release);
          b2 = System.nanoTime();
          if (refusal.isEmpty()) {
            auditor.remember(release);
          }
        }
        long b3 = System.nanoTime();
        buildMicros.add((b1 - b0) / 1000);
        checkMicros.add((b3 - b1) / 1000);
        checkOnly.add((b2 - b1) / 1000);
        if (refusal.isEmpty()) {
          rememberMicros.add((b3 - b2) / 1000);
        }
        if (refusal.isPresent()) {
          refused++;
        } else if (auditor.remembered("audited") == before) {
          identical++;
        } else {
          setsSize += cohort.getLongCardinality();
        }
      }
      long fillMs = ms(start);
      long heapAfter = usedHeap();
      // The columns stay live up to here, so that the difference is the auditor's.
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(age);
      Reference.reachabilityFence(byX);
      Reference.reachabilityFence(sortedX);
      long stateBytes;
      try (Stream<Path> files = Files.list(settings.stateDir())) {
        stateBytes = files.mapToLong(p -> p.toFile().length()).sum();
      }
      System.out.printf("%nphase 1: %d releases checked in %d ms until %d were remembered (%d refused by the rule, "
          + "%d identical to one remembered); mean remembered cohort %d records%n", checkMicros.size(), fillMs,
          releases, refused, identical, setsSize / releases);
      System.out.printf("  check + remember (forced append) per release:  median %6d us  p90 %6d us  p99 %6d us  "
          + "max %6d us%n", pct(checkMicros, 50), pct(checkMicros, 90), pct(checkMicros, 99), pct(checkMicros, 100));
      List<Long> last = checkMicros.subList(checkMicros.size() - 1000, checkMicros.size());
      System.out.printf("  the last 1000 (index near full):                median %6d us  p99 %6d us%n",
          pct(last, 50), pct(last, 99));
      System.out.printf("  of which the check (candidates read back):     median %6d us  p99 %6d us  max %6d us%n",
          pct(checkOnly, 50), pct(checkOnly, 99), pct(checkOnly, 100));
      System.out.printf("  of which remember (serialise, append, force) per remembered release: median %6d us  "
          + "p99 %6d us%n", pct(rememberMicros, 50), pct(rememberMicros, 99));
      System.out.printf("  (building each cohort's bitmap from the column in memory, not part of the audit: "
          + "median %d us)%n", pct(buildMicros, 50));
      System.out.printf("  heap used by the index of remembered sets: %.1f MB by the JVM after GC (%.1f MB before, "
          + "%.1f MB after), %.0f bytes per set; the sets themselves in the state file: %.1f MB on disk, %.1f KB per "
          + "set%n", (heapAfter - heapBefore) / 1e6, heapBefore / 1e6, heapAfter / 1e6,
          (double) (heapAfter - heapBefore) / releases, stateBytes / 1e6, stateBytes / 1e3 / releases);

      // Phase 2: whole requests through the gate, audited against the 10,000 sets or not audited.
      NodeGate gate = new NodeGate(settings, new AnalysisEngine(settings, store), audit, auditor,
          new SimpleMeterRegistry());
      List<Long> audited = new ArrayList<>();
      List<Long> plain = new ArrayList<>();
      int auditedRefused = 0;
      for (int r = -10; r < requests; r++) {
        double t = Math.pow(10, -3 + 3 * random.nextDouble());
        int a = random.nextBoolean() ? 18 : 18 + random.nextInt(60);
        Filter filter = Filter.newBuilder().setAnd(FilterList.newBuilder()
            .addFilters(cmp("x", ComparisonOperator.LT, t)).addFilters(cmp("age", ComparisonOperator.GE, a)))
            .build();
        // Alternate which arm goes first, so that neither gets the other's warm caches.
        for (int arm = 0; arm < 2; arm++) {
          boolean isAudited = (arm + r) % 2 == 0;
          long g0 = System.nanoTime();
          NodeGate.Reply reply = gate.handle(NodeAnalysisRequest.newBuilder().setRequestId("r" + r)
              .setDataset(isAudited ? "audited" : "plain").setFilter(filter).setAnalysis(COUNT).build(), "bench",
              Liveness.always());
          long micros = (System.nanoTime() - g0) / 1000;
          if (reply.error() != null) {
            throw new IllegalStateException(reply.error().toString());
          }
          if (r >= 0) {
            (isAudited ? audited : plain).add(micros);
            if (isAudited && reply.response().hasRefusal()) {
              auditedRefused++;
            }
          }
        }
      }
      System.out.printf("%nphase 2: count requests through the node's gate (engine, disclosure, forced audit line), "
          + "random half-range cohorts of 1000 to 1M records, %d each after 10 warm-up pairs:%n", requests);
      System.out.printf("  without the overlap audit (baseline):  median %7.1f ms  p90 %7.1f ms%n",
          pct(plain, 50) / 1e3, pct(plain, 90) / 1e3);
      System.out.printf("  with the overlap audit:                median %7.1f ms  p90 %7.1f ms  (%d refused by "
          + "the rule)%n", pct(audited, 50) / 1e3, pct(audited, 90) / 1e3, auditedRefused);
      System.out.printf("  ratio of medians: %.2f (the cohort's row ids read from DuckDB, checked, remembered "
          + "and forced to disk)%n", (double) pct(audited, 50) / pct(plain, 50));
      System.out.printf("  remembered sets at the end: %d%n", auditor.remembered("audited"));
    }
  }

  private static Filter cmp(String variable, ComparisonOperator op, double value) {
    return Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable(variable).setOp(op)
        .setValue(Value.newBuilder().setNumber(value))).build();
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long pct(List<Long> values, int percentile) {
    List<Long> sorted = values.stream().sorted().toList();
    int at = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, at)));
  }
}
