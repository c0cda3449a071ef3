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
 * The overlap audit's cost on a 1M-row dataset, the same data loaded as three datasets: {@code audited} (the
 * pairwise rule and the combination check, the default), {@code pairwise} ({@code overlap-combinations: 0}, the
 * baseline of the combination check) and {@code plain} ({@code overlap-audit: false}). Phase 1 offers the same
 * random half-range cohorts ({@code x < t}, or {@code age >= a and x < t}; x uniform in [0, 1) in random row order,
 * t log-uniform so that cohorts range from about 100 records to the whole table) to the first two, alternating which
 * goes first: the first 9,500 remembered without a check, then the last 500 each checked against those before and
 * remembered (the state file forced to disk each time), timed per release; then the heap each arm's auditor holds. Phase 2 runs count
 * requests through the node's gate (audit log included) on all three, rotating, with the sets remembered.
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
        + "  - name: pairwise\n    files: [\"" + data + "\"]\n    disclosure: {overlap-combinations: 0}\n" + variables
        + "  - name: plain\n    files: [\"" + data + "\"]\n    disclosure: {overlap-audit: false}\n" + variables);
    NodeSettings settings = NodeConfigLoader.load(config);
    start = System.nanoTime();
    try (DatasetStore store = DatasetStore.open(settings.datasets());
        AuditLog audit = AuditLog.open(settings.auditLog())) {
      System.out.printf("three datasets loaded, with their SHA-256 data versions, in %d ms%n", ms(start));
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

      // Phase 1: the auditors alone, check and remember per release, the same cohorts offered to both arms in
      // alternating order: "pairwise" (the pairwise rule only) and "audited" (pairwise and combinations).
      Arm pairwise = new Arm("pairwise", OverlapAuditor.open(settings.stateDir(), List.of(dataset(settings,
          "pairwise")), store::version), store.version("pairwise"));
      Arm combined = new Arm("audited", OverlapAuditor.open(settings.stateDir(), List.of(dataset(settings,
          "audited")), store::version), store.version("audited"));
      Random random = new Random(42);
      List<Long> buildMicros = new ArrayList<>();
      int offered = 0;
      start = System.nanoTime();
      // First both arms remember releases without a check (the state a node reaches after that many answers), up to
      // the last `timed`; then the same cohorts are offered to both, check and remember timed, until each has
      // remembered `releases`: the checks measured are those against an index (and window) that is full.
      int timed = Math.min(releases, TIMED);
      long fillStart = System.nanoTime();
      while (pairwise.remembered < releases - timed || combined.remembered < releases - timed) {
        RoaringBitmap cohort = cohort(random, sortedX, byX, age, buildMicros);
        for (Arm arm : List.of(pairwise, combined)) {
          if (arm.remembered < releases - timed) {
            arm.fill(cohort);
          }
        }
      }
      long unchecked = ms(fillStart);
      while (!pairwise.full(releases) || !combined.full(releases)) {
        RoaringBitmap cohort = cohort(random, sortedX, byX, age, buildMicros);
        boolean pairwiseFirst = offered++ % 2 == 0;
        for (Arm arm : pairwiseFirst ? List.of(pairwise, combined) : List.of(combined, pairwise)) {
          if (!arm.full(releases)) {
            arm.offer(cohort);
          }
        }
      }
      long fillMs = ms(start);
      long heapBoth = usedHeap();
      combined.auditor.close();
      combined = combined.forgotten();
      long heapPairwise = usedHeap();
      // The columns stay live up to here, so that the differences are the auditors'.
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(age);
      Reference.reachabilityFence(byX);
      Reference.reachabilityFence(sortedX);
      long stateBytes;
      try (Stream<Path> files = Files.list(settings.stateDir())) {
        stateBytes = files.mapToLong(p -> p.toFile().length()).sum();
      }
      System.out.printf("%nphase 1: each arm remembered %d releases unchecked (%d ms), then %d cohorts were offered to "
          + "both, checked and remembered, until each had %d (%d ms in all); mean cohort %d records (building each "
          + "bitmap from the column in memory, not part of the audit: median %d us)%n", releases - timed, unchecked,
          offered, releases, fillMs, combined.setsSize / Math.max(1, combined.checkedAndRemembered),
          pct(buildMicros, 50));
      for (Arm arm : List.of(pairwise, combined)) {
        System.out.printf("  %-8s: %5d checked, %4d refused, %3d identical to one remembered%n", arm.name,
            arm.check.size(), arm.refused, arm.identical);
        System.out.printf("    check per release:                     median %6d us  p90 %6d us  p99 %6d us  "
            + "max %6d us%n", pct(arm.check, 50), pct(arm.check, 90), pct(arm.check, 99), pct(arm.check, 100));
        System.out.printf("    remember (serialise, append, force):   median %6d us  p99 %6d us%n",
            pct(arm.remember, 50), pct(arm.remember, 99));
      }
      System.out.printf("  ratio of check medians, audited / pairwise: %.1f (p99: %.1f); of check + remember: %.2f%n",
          (double) pct(combined.check, 50) / Math.max(1, pct(pairwise.check, 50)),
          (double) pct(combined.check, 99) / Math.max(1, pct(pairwise.check, 99)),
          (double) (pct(combined.check, 50) + pct(combined.remember, 50))
              / Math.max(1, pct(pairwise.check, 50) + pct(pairwise.remember, 50)));
      double pairwiseMb = (heapPairwise - heapBefore) / 1e6;
      double combinedMb = (heapBoth - heapPairwise) / 1e6;
      System.out.printf("  heap after GC: pairwise arm %.1f MB, audited arm %.1f MB (ratio %.1f); both arms' sets "
          + "in the state folder: %.1f MB on disk%n", pairwiseMb, combinedMb, combinedMb / pairwiseMb,
          stateBytes / 1e6);

      // Phase 2: whole requests through the gate, with the 10,000 sets remembered by the audited arms (opened
      // afresh from the state folder, as after a restart).
      start = System.nanoTime();
      try (OverlapAuditor auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version)) {
        System.out.printf("%nstate folder reopened (index and the combination window read back) in %d ms%n",
            ms(start));
        NodeGate gate = new NodeGate(settings, new AnalysisEngine(settings, store), audit, auditor,
            new SimpleMeterRegistry());
        List<String> arms = List.of("plain", "pairwise", "audited");
        java.util.Map<String, List<Long>> times = new java.util.HashMap<>();
        java.util.Map<String, Integer> refusedBy = new java.util.HashMap<>();
        for (int r = -10; r < requests; r++) {
          double t = Math.pow(10, -3 + 3 * random.nextDouble());
          int a = random.nextBoolean() ? 18 : 18 + random.nextInt(60);
          Filter filter = Filter.newBuilder().setAnd(FilterList.newBuilder()
              .addFilters(cmp("x", ComparisonOperator.LT, t)).addFilters(cmp("age", ComparisonOperator.GE, a)))
              .build();
          // Rotate which arm goes first, so that none gets the others' warm caches.
          for (int i = 0; i < arms.size(); i++) {
            String arm = arms.get((i + r + 10) % arms.size());
            long g0 = System.nanoTime();
            NodeGate.Reply reply = gate.handle(NodeAnalysisRequest.newBuilder().setRequestId("r" + r)
                .setDataset(arm).setFilter(filter).setAnalysis(COUNT).build(), "bench", Liveness.always());
            long micros = (System.nanoTime() - g0) / 1000;
            if (reply.error() != null) {
              throw new IllegalStateException(reply.error().toString());
            }
            if (r >= 0) {
              times.computeIfAbsent(arm, k -> new ArrayList<>()).add(micros);
              if (reply.response().hasRefusal()) {
                refusedBy.merge(arm, 1, Integer::sum);
              }
            }
          }
        }
        System.out.printf("%nphase 2: count requests through the node's gate (engine, disclosure, forced audit line), "
            + "random half-range cohorts of 1000 to 1M records, %d each after 10 warm-up rounds:%n", requests);
        for (String arm : arms) {
          System.out.printf("  %-8s: median %7.1f ms  p90 %7.1f ms  (%d refused by the rule)  ratio to plain %.2f%n",
              arm, pct(times.get(arm), 50) / 1e3, pct(times.get(arm), 90) / 1e3, refusedBy.getOrDefault(arm, 0),
              (double) pct(times.get(arm), 50) / pct(times.get("plain"), 50));
        }
        System.out.printf("  audited / pairwise: %.2f%n",
            (double) pct(times.get("audited"), 50) / pct(times.get("pairwise"), 50));
      }
    }
  }

  /** One arm of phase 1: an auditor over one dataset, and what its checks took. */
  private static final class Arm {
    final String name;
    final OverlapAuditor auditor;
    final DataVersion version;
    final List<Long> check = new ArrayList<>();
    final List<Long> remember = new ArrayList<>();
    int refused;
    int identical;
    int remembered;
    int checkedAndRemembered;
    long setsSize;

    Arm(String name, OverlapAuditor auditor, DataVersion version) {
      this.name = name;
      this.auditor = auditor;
      this.version = version;
    }

    boolean full(int releases) {
      return remembered >= releases;
    }

    void offer(RoaringBitmap cohort) {
      ReleasedSets release = new ReleasedSets(name, version, List.of(cohort));
      long b0 = System.nanoTime();
      Optional<Refusal> refusal;
      synchronized (auditor) {
        refusal = auditor.check(release);
        long b1 = System.nanoTime();
        check.add((b1 - b0) / 1000);
        if (refusal.isEmpty()) {
          auditor.remember(release);
          remember.add((System.nanoTime() - b1) / 1000);
        }
      }
      if (refusal.isPresent()) {
        refused++;
      } else if (auditor.remembered(name) == remembered) {
        identical++;
      } else {
        remembered = auditor.remembered(name);
        setsSize += cohort.getLongCardinality();
        checkedAndRemembered++;
      }
    }

    /** Remembers {@code cohort} without checking it. */
    void fill(RoaringBitmap cohort) {
      ReleasedSets release = new ReleasedSets(name, version, List.of(cohort));
      synchronized (auditor) {
        auditor.remember(release);
      }
      remembered = auditor.remembered(name);
    }

    /** This arm's figures without its auditor (closed), so that the heap it held can be measured. */
    Arm forgotten() {
      Arm copy = new Arm(name, null, version);
      copy.check.addAll(check);
      copy.remember.addAll(remember);
      copy.refused = refused;
      copy.identical = identical;
      copy.remembered = remembered;
      copy.checkedAndRemembered = checkedAndRemembered;
      copy.setsSize = setsSize;
      return copy;
    }
  }

  private static org.fedstats.node.config.DatasetDefinition dataset(NodeSettings settings, String name) {
    return settings.dataset(name).orElseThrow();
  }

  /** Releases checked (and timed) per arm once the rest are remembered. */
  private static final int TIMED = 500;

  /** A random half-range cohort: {@code x < t}, alone or with {@code age >= a}, as a bitmap of row ids. */
  private static RoaringBitmap cohort(Random random, double[] sortedX, int[] byX, int[] age, List<Long> buildMicros) {
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
    buildMicros.add((System.nanoTime() - b0) / 1000);
    return writer.get();
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
