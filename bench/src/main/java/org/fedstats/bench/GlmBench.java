package org.fedstats.bench;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.node.NodeServer;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.gate.AnalysisEngine;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.RoundProgress;
import org.fedstats.stats.glm.Family;
import org.fedstats.stats.glm.GlmControl;
import org.fedstats.stats.glm.GlmFit;
import org.fedstats.stats.glm.GlmRequest;
import org.fedstats.stats.glm.GlmRound;
import org.fedstats.stats.glm.GlmRoundStats;
import org.fedstats.stats.glm.GlmRow;
import org.fedstats.stats.glm.Irls;
import org.fedstats.stats.glm.PooledGlm;

/**
 * Federated logistic GLM versus the same IRLS over the pooled rows in one process, in one run.
 *
 * <p>Synthetic data, deterministic (hash-based uniforms in DuckDB, independent of thread scheduling): {@code sites}
 * Parquet files of {@code rows} rows each, numeric x1..x6 ~ N(0,1), a categorical grp with levels a..d, and y ~
 * Bernoulli(logit⁻¹(eta)) with known coefficients; the model {@code y ~ x1 + ... + x6 + grp} has p = 10 columns.
 * Federated: {@code sites} real {@link NodeServer}s (DuckDB, gRPC/Netty on loopback) and either the real
 * {@link Coordinator} ({@code RunAnalysisStream}, mode {@code coordinator}) or this process driving the IRLS rounds
 * itself over the nodes' NodeService with {@link Irls} (mode {@code direct}: no coordinator in the path). Pooled: all
 * rows read into memory, then {@link PooledGlm#fit} (the same {@link GlmRound} and {@link Irls}); only the fit is
 * timed. Runs alternate federated and pooled; medians are reported, with a per-round breakdown at one site.
 *
 * <p>Run from the project root after {@code ./mvnw -DskipTests package}: {@code java -Xmx8g
 * --enable-native-access=ALL-UNNAMED -cp bench/target/fedstats-bench-0.1.0-SNAPSHOT.jar org.fedstats.bench.GlmBench
 * [sites] [rows per site] [repetitions] [coordinator|direct|both]}.
 */
public final class GlmBench {
  static final String FORMULA = "y ~ x1 + x2 + x3 + x4 + x5 + x6 + grp";
  static final List<String> COLUMNS = List.of("(Intercept)", "x1", "x2", "x3", "x4", "x5", "x6", "grpb", "grpc",
      "grpd");
  /** The true coefficients, in {@link #COLUMNS} order. */
  static final double[] TRUE_BETA = {-0.5, 0.4, -0.3, 0.2, 0.1, -0.2, 0.05, 0.3, -0.2, 0.5};

  private GlmBench() {}

  public static void main(String[] args) throws Exception {
    int sites = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String mode = args.length > 3 ? args[3] : "coordinator";
    Path work = Files.createTempDirectory("fedstats-glm");
    List<NodeServer> nodes = new ArrayList<>();
    System.out.printf(Locale.ROOT, "GLM bench: %d sites x %d rows, p = %d, binomial, %d repetitions, mode %s%n",
        sites, rows, COLUMNS.size(), reps, mode);
    try {
      long t0 = System.nanoTime();
      List<Path> files = generate(work, sites, rows);
      System.out.printf(Locale.ROOT, "data generated in %d ms (%s)%n", ms(t0), work);

      t0 = System.nanoTime();
      List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
      List<NodeSettings> settings = new ArrayList<>();
      for (int s = 0; s < sites; s++) {
        NodeSettings ns = NodeConfigLoader.load(config(work, s + 1, files.get(s)));
        settings.add(ns);
        NodeServer server = NodeServer.start(ns, new SimpleMeterRegistry());
        nodes.add(server);
        entries.add(new CoordinatorConfig.NodeEntry("site" + (s + 1), "127.0.0.1:" + server.port()));
      }
      System.out.printf(Locale.ROOT, "%d nodes loaded and listening in %d ms%n", sites, ms(t0));

      t0 = System.nanoTime();
      List<List<GlmRow>> siteRows = new ArrayList<>();
      List<GlmRow> pooledRows = new ArrayList<>(sites * rows);
      for (Path f : files) {
        List<GlmRow> r = readRows(f);
        siteRows.add(r);
        pooledRows.addAll(r);
      }
      System.out.printf(Locale.ROOT, "pooled baseline: %d rows read into memory in %d ms (not in the fit times)%n",
          pooledRows.size(), ms(t0));

      try (Coordinator coordinator = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0",
          600_000L, 60_000L, entries)), new SimpleMeterRegistry())) {
        Federated coord = new ViaCoordinator(coordinator.port());
        Federated direct = new Direct(nodes);
        List<Federated> federated = switch (mode) {
          case "coordinator" -> List.of(coord);
          case "direct" -> List.of(direct);
          case "both" -> List.of(coord, direct);
          default -> throw new IllegalArgumentException("mode: coordinator, direct or both");
        };
        run(federated, pooledRows, reps);
        breakdown(settings.getFirst(), siteRows.getFirst(), nodes.getFirst());
        for (Federated f : federated) {
          f.close();
        }
      }
    } finally {
      for (NodeServer n : nodes) {
        n.close();
      }
      try (Stream<Path> walk = Files.walk(work)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---------------------------------------------------------------- data

  /** Writes site1.parquet.. with hash-based deterministic uniforms (the same files on every run and machine). */
  static List<Path> generate(Path work, int sites, int rows) throws Exception {
    List<Path> files = new ArrayList<>();
    StringBuilder eta = new StringBuilder(Double.toString(TRUE_BETA[0]));
    for (int j = 1; j <= 6; j++) {
      eta.append(" + ").append(TRUE_BETA[j]).append(" * x").append(j);
    }
    eta.append(" + CASE grp WHEN 'b' THEN ").append(TRUE_BETA[7]).append(" WHEN 'c' THEN ").append(TRUE_BETA[8])
        .append(" WHEN 'd' THEN ").append(TRUE_BETA[9]).append(" ELSE 0 END");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      // u(i, k): a uniform in (0, 1) from a hash of the global row, site and stream k.
      st.execute("CREATE MACRO u(i, k) AS (CAST(hash(i, k, 20261125) >> 11 AS DOUBLE) + 0.5) / 9007199254740992.0");
      st.execute("CREATE MACRO nrm(i, k) AS sqrt(-2 * ln(u(i, k))) * cos(2 * pi() * u(i, k + 100))");
      for (int s = 0; s < sites; s++) {
        Path f = work.resolve("site" + (s + 1) + ".parquet");
        StringBuilder cols = new StringBuilder();
        for (int j = 1; j <= 6; j++) {
          cols.append("nrm(g, ").append(j).append(") AS x").append(j).append(", ");
        }
        // Sites differ a little in their mix of groups (shifted levels), as real sites would.
        cols.append("['a','b','c','d'][1 + CAST(floor(u(g, 7) * 4 + ").append(s % 4).append(" * 0.1) AS INTEGER) % 4]"
            + " AS grp");
        String base = "SELECT " + cols + " , g FROM (SELECT range + " + ((long) s * rows) + " AS g FROM range("
            + rows + "))";
        st.execute("COPY (SELECT CAST(u(g, 8) < 1 / (1 + exp(-(" + eta + "))) AS INTEGER) AS y, x1, x2, x3, x4, x5,"
            + " x6, grp FROM (" + base + ")) TO '" + f + "' (FORMAT parquet)");
        files.add(f);
      }
    }
    return files;
  }

  static Path config(Path work, int site, Path file) throws Exception {
    Path config = work.resolve("site" + site + ".yaml");
    StringBuilder vars = new StringBuilder("          - {name: y, type: integer}\n");
    for (int j = 1; j <= 6; j++) {
      vars.append("          - {name: x").append(j).append(", type: numeric}\n");
    }
    vars.append("          - {name: grp, type: categorical, levels: [a, b, c, d]}\n");
    Files.writeString(config, """
        node-id: site%d
        listen: 127.0.0.1:0
        insecure: true
        audit-log: %s
        max-rounds-per-session: 100
        datasets:
          - name: synth
            files: ["%s"]
            analyses: [count, glm]
            variables:
        """.formatted(site, work.resolve("audit-site" + site + ".jsonl"), file) + vars);
    return config;
  }

  /** A site's rows as the model's design rows (the intercept, x1..x6, grp's treatment dummies). */
  static List<GlmRow> readRows(Path file) throws Exception {
    List<GlmRow> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT CAST(y AS DOUBLE), x1, x2, x3, x4, x5, x6, grp FROM read_parquet('"
            + file + "')")) {
      while (rs.next()) {
        double[] x = new double[10];
        x[0] = 1;
        for (int j = 1; j <= 6; j++) {
          x[j] = rs.getDouble(j + 1);
        }
        String g = rs.getString(8);
        x[7] = g.equals("b") ? 1 : 0;
        x[8] = g.equals("c") ? 1 : 0;
        x[9] = g.equals("d") ? 1 : 0;
        out.add(GlmRow.of(x, rs.getDouble(1)));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- federated fits

  /** One federated fit: wall time, iterations, rounds and the per-round times, and the coefficients. */
  record Result(double wallMs, int iterations, int rounds, List<Double> roundMs, double[] beta, double deviance) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** CPU time of this whole process (nodes, coordinator, pooled fit all run in it), in ms. */
  static double cpuMs() {
    return OS.getProcessCpuTime() / 1e6;
  }

  interface Federated extends AutoCloseable {
    String name();

    Result fit() throws Exception;

    @Override
    void close();
  }

  static Analysis glm() {
    return Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula(FORMULA)
        .setFamily(GlmFamily.BINOMIAL)).build();
  }

  /** Through the real coordinator's RunAnalysisStream. */
  static final class ViaCoordinator implements Federated {
    private final ManagedChannel channel;
    private final FederationServiceGrpc.FederationServiceBlockingStub stub;

    ViaCoordinator(int port) {
      channel = NettyChannelBuilder.forTarget("127.0.0.1:" + port).usePlaintext().maxInboundMessageSize(64 << 20)
          .build();
      Metadata h = new Metadata();
      h.put(org.fedstats.common.Contract.USER_HEADER, "bench");
      stub = FederationServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
    }

    @Override
    public String name() {
      return "federated (coordinator)";
    }

    @Override
    public Result fit() {
      AnalysisRequest request = AnalysisRequest.newBuilder().setDataset("synth").setAnalysis(glm()).build();
      long t0 = System.nanoTime();
      Iterator<AnalysisEvent> events = stub.runAnalysisStream(request);
      List<Double> elapsed = new ArrayList<>();
      AnalysisResponse response = null;
      while (events.hasNext()) {
        AnalysisEvent e = events.next();
        if (e.hasProgress()) {
          elapsed.add(e.getProgress().getElapsedMs());
        } else {
          response = e.getResponse();
        }
      }
      double wall = (System.nanoTime() - t0) / 1e6;
      if (response == null || !response.getPooledAvailable()) {
        throw new IllegalStateException("no pooled fit: " + (response == null ? "no response"
            : response.getPooledNote()));
      }
      var fit = response.getPooled().getModelFit();
      double[] beta = fit.getCoefficientsList().stream().mapToDouble(c -> c.getEstimate()).toArray();
      return new Result(wall, iterations(response), response.getRounds(), perRound(elapsed), beta, Double.NaN);
    }

    private static int iterations(AnalysisResponse r) {
      return r.getPooled().getModelFit().getIterations();
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }

  /** elapsed_ms of the progress events is cumulative from the session's start: the per-round times. */
  static List<Double> perRound(List<Double> elapsed) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < elapsed.size(); i++) {
      out.add(elapsed.get(i) - (i == 0 ? 0 : elapsed.get(i - 1)));
    }
    return out;
  }

  /** This process drives the IRLS rounds itself over the nodes' NodeService, all sites asked in parallel. */
  static final class Direct implements Federated {
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<NodeServiceGrpc.NodeServiceFutureStub> stubs = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private int session;

    Direct(List<NodeServer> nodes) {
      for (NodeServer n : nodes) {
        ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + n.port()).usePlaintext().executor(pool)
            .build();
        channels.add(ch);
        stubs.add(NodeServiceGrpc.newFutureStub(ch));
      }
    }

    @Override
    public String name() {
      return "federated (direct, no coordinator)";
    }

    @Override
    public Result fit() throws Exception {
      String sessionId = "bench-direct-" + (++session);
      List<Double> roundMs = new ArrayList<>();
      long t0 = System.nanoTime();
      Irls irls = new Irls(Family.BINOMIAL, COLUMNS, GlmControl.defaults());
      int round = 0;
      while (true) {
        long r0 = System.nanoTime();
        GlmRequest req = irls.nextRequest();
        GlmAnalysis.Builder g = GlmAnalysis.newBuilder().setFormula(FORMULA).setFamily(GlmFamily.BINOMIAL)
            .setNullModel(req.interceptOnly());
        if (req.beta() != null) {
          for (double b : req.beta()) {
            g.addCoefficients(b);
          }
        }
        if (!Double.isNaN(req.nullMu())) {
          g.setNullMean(req.nullMu());
        }
        NodeAnalysisRequest nr = NodeAnalysisRequest.newBuilder().setRequestId(sessionId).setRequester("bench")
            .setDataset("synth").setAnalysis(Analysis.newBuilder().setGlm(g)).setSessionId(sessionId)
            .setRound(round++).build();
        List<CompletableFuture<NodeAnalysisResponse>> futures = new ArrayList<>();
        for (var stub : stubs) {
          var lf = stub.runAnalysis(nr);
          CompletableFuture<NodeAnalysisResponse> cf = new CompletableFuture<>();
          lf.addListener(() -> {
            try {
              cf.complete(lf.get());
            } catch (Exception e) {
              cf.completeExceptionally(e);
            }
          }, Runnable::run);
          futures.add(cf);
        }
        GlmRoundStats pooled = null;
        for (var f : futures) {
          NodeAnalysisResponse resp = f.get();
          if (!resp.hasResult()) {
            throw new IllegalStateException("site refused: " + resp.getRefusal());
          }
          GlmRoundStats s = stats(resp.getResult().getGlmRound());
          pooled = pooled == null ? s : pooled.plus(s);
        }
        Irls.Step step = irls.accept(pooled);
        roundMs.add((System.nanoTime() - r0) / 1e6);
        if (step instanceof Irls.Step.Done done) {
          GlmFit fit = done.fit();
          double wall = (System.nanoTime() - t0) / 1e6;
          return new Result(wall, fit.iterations(), round, roundMs,
              fit.estimates().stream().mapToDouble(Double::doubleValue).toArray(), fit.deviance());
        }
      }
    }

    static GlmRoundStats stats(org.fedstats.proto.v1.GlmRoundStats s) {
      return new GlmRoundStats(s.getN(), s.getXtwxList().stream().mapToDouble(Double::doubleValue).toArray(),
          s.getXtwzList().stream().mapToDouble(Double::doubleValue).toArray(), s.getDeviance(), s.getAicPart(),
          s.getPearson(), s.getSumLogWeights(), s.getSumWeights(), s.getSumWeightedResponse(), s.getNullDeviance(),
          s.getInvalidRows(), s.getOffsetRows());
    }

    @Override
    public void close() {
      for (ManagedChannel ch : channels) {
        ch.shutdownNow();
      }
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- runs

  static void run(List<Federated> federated, List<GlmRow> pooledRows, int reps) throws Exception {
    // One warm-up of each, not reported.
    for (Federated f : federated) {
      Result w = f.fit();
      System.out.printf(Locale.ROOT, "warm-up %s: %.0f ms, %d iterations, %d rounds%n", f.name(), w.wallMs(),
          w.iterations(), w.rounds());
    }
    GlmFit warm = timedPooled(pooledRows, new double[1]);
    System.out.printf(Locale.ROOT, "warm-up pooled: %d iterations%n", warm.iterations());

    List<List<Result>> fed = new ArrayList<>();
    for (int i = 0; i < federated.size(); i++) {
      fed.add(new ArrayList<>());
    }
    List<Double> pooledMs = new ArrayList<>();
    GlmFit pooledFit = null;
    List<List<Double>> fedCpu = new ArrayList<>();
    for (int i = 0; i < federated.size(); i++) {
      fedCpu.add(new ArrayList<>());
    }
    List<Double> pooledCpu = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      for (int i = 0; i < federated.size(); i++) {
        double c0 = cpuMs();
        Result res = federated.get(i).fit();
        double cpu = cpuMs() - c0;
        fed.get(i).add(res);
        fedCpu.get(i).add(cpu);
        System.out.printf(Locale.ROOT, "  rep %d %-36s %8.0f ms  cpu %8.0f ms  %d it  %d rounds  per round %s%n",
            r + 1, federated.get(i).name(), res.wallMs(), cpu, res.iterations(), res.rounds(), fmt(res.roundMs()));
      }
      double[] ms = new double[1];
      double c0 = cpuMs();
      pooledFit = timedPooled(pooledRows, ms);
      double cpu = cpuMs() - c0;
      pooledMs.add(ms[0]);
      pooledCpu.add(cpu);
      System.out.printf(Locale.ROOT, "  rep %d %-36s %8.0f ms  cpu %8.0f ms  %d it  (%.0f ms per pass)%n", r + 1,
          "pooled (PooledGlm.fit, in memory)", ms[0], cpu, pooledFit.iterations(),
          ms[0] / (pooledFit.iterations() + 1));
    }
    double pm = median(pooledMs);
    System.out.println();
    double pc = median(pooledCpu);
    System.out.printf(Locale.ROOT, "%-36s %10s %6s %7s %14s %10s %10s %10s%n", "", "median ms", "iter", "rounds",
        "ms/round(med)", "vs pooled", "cpu ms", "cpu ratio");
    System.out.printf(Locale.ROOT, "%-36s %10.0f %6d %7d %14.0f %10s %10.0f %10s%n", "pooled (PooledGlm.fit)", pm,
        pooledFit.iterations(), pooledFit.iterations() + 1, pm / (pooledFit.iterations() + 1), "1.00", pc, "1.00");
    for (int i = 0; i < federated.size(); i++) {
      List<Result> rs = fed.get(i);
      double m = median(rs.stream().map(Result::wallMs).toList());
      List<Double> allRounds = rs.stream().flatMap(x -> x.roundMs().stream()).toList();
      Result last = rs.getLast();
      double fc = median(fedCpu.get(i));
      System.out.printf(Locale.ROOT, "%-36s %10.0f %6d %7d %14.0f %10.2f %10.0f %10.2f%n", federated.get(i).name(),
          m, last.iterations(), last.rounds(), median(allRounds), m / pm, fc, fc / pc);
      System.out.printf(Locale.ROOT, "  max |beta_fed - beta_pooled| = %.3g%n", maxDiff(last.beta(),
          pooledFit.estimates()));
    }
    System.out.printf(Locale.ROOT, "pooled estimates: %s (true %s)%n", fmt(pooledFit.estimates()),
        fmt(java.util.Arrays.stream(TRUE_BETA).boxed().toList()));
  }

  static GlmFit timedPooled(List<GlmRow> rows, double[] ms) {
    long t0 = System.nanoTime();
    GlmFit fit = PooledGlm.fit(Family.BINOMIAL, COLUMNS, rows);
    ms[0] = (System.nanoTime() - t0) / 1e6;
    return fit;
  }

  /** Where a round's time goes at one site: engine (DuckDB read + accumulate), raw scan, accumulate, gRPC. */
  static void breakdown(NodeSettings settings, List<GlmRow> rows, NodeServer node) throws Exception {
    int n = 5;
    double[] beta = TRUE_BETA.clone();
    GlmAnalysis.Builder g = GlmAnalysis.newBuilder().setFormula(FORMULA).setFamily(GlmFamily.BINOMIAL)
        .setNullMean(0.4);
    for (double b : beta) {
      g.addCoefficients(b);
    }
    Analysis a = Analysis.newBuilder().setGlm(g).build();
    List<Double> engine = new ArrayList<>();
    List<Double> scan = new ArrayList<>();
    List<Double> compute = new ArrayList<>();
    List<Double> grpc = new ArrayList<>();
    List<Double> sql = new ArrayList<>();
    List<Double> force = new ArrayList<>();
    Path forced = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "fedstats-force", ".jsonl");
    try (var fc = java.nio.channels.FileChannel.open(forced, java.nio.file.StandardOpenOption.APPEND)) {
      for (int i = 0; i < 11; i++) {
        long t0 = System.nanoTime();
        fc.write(java.nio.ByteBuffer.wrap("{\"bench\":\"an audit-sized line of about two hundred bytes\"}\n"
            .repeat(4).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        fc.force(false);
        if (i > 0) {
          force.add(ms1(t0));
        }
      }
    } finally {
      Files.deleteIfExists(forced);
    }
    try (DatasetStore store = DatasetStore.open(settings.datasets())) {
      AnalysisEngine eng = new AnalysisEngine(settings, store);
      ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + node.port()).usePlaintext().build();
      var stub = NodeServiceGrpc.newBlockingStub(ch);
      Path file = ((org.fedstats.node.config.DatasetDefinition.Files) settings.datasets().getFirst().source())
          .paths().getFirst();
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t AS SELECT * FROM read_parquet('" + file + "')");
        for (int i = 0; i < n + 1; i++) {
          long t0 = System.nanoTime();
          eng.run(new AnalysisEngine.Request("synth", false, Filter.getDefaultInstance(), a));
          double e = ms1(t0);
          t0 = System.nanoTime();
          double sink = 0;
          try (ResultSet rs = st.executeQuery("SELECT CAST(y AS DOUBLE), CAST(x1 AS DOUBLE), CAST(x2 AS DOUBLE), "
              + "CAST(x3 AS DOUBLE), CAST(x4 AS DOUBLE), CAST(x5 AS DOUBLE), CAST(x6 AS DOUBLE), grp FROM t WHERE "
              + "y IS NOT NULL AND x1 IS NOT NULL AND x2 IS NOT NULL AND x3 IS NOT NULL AND x4 IS NOT NULL AND "
              + "x5 IS NOT NULL AND x6 IS NOT NULL AND grp IS NOT NULL")) {
            while (rs.next()) {
              for (int j = 1; j <= 7; j++) {
                sink += rs.getDouble(j);
              }
              sink += rs.getString(8).length();
            }
          }
          double s = ms1(t0);
          t0 = System.nanoTime();
          GlmRound.local(Family.BINOMIAL, rows, new GlmRequest(beta, false, 0.4), COLUMNS.size());
          double cmp = ms1(t0);
          t0 = System.nanoTime();
          stub.runAnalysis(NodeAnalysisRequest.newBuilder().setRequestId("bd").setRequester("bench")
              .setDataset("synth").setAnalysis(a).setSessionId("bd-" + i).setRound(1).build());
          double gr = ms1(t0);
          t0 = System.nanoTime();
          try (ResultSet rs = st.executeQuery(sqlRound(beta))) {
            rs.next();
            sink += rs.getDouble(1);
          }
          double sq = ms1(t0);
          if (i > 0 && sink != 0) {
            sql.add(sq);
            engine.add(e);
            scan.add(s);
            compute.add(cmp);
            grpc.add(gr);
          }
        }
      }
      ch.shutdownNow();
    }
    System.out.printf(Locale.ROOT, "%nper-round breakdown at one site (%d rows, medians of %d, other nodes idle):%n",
        rows.size(), n);
    System.out.printf(Locale.ROOT, "  node round over gRPC (NodeService.RunAnalysis)   %7.1f ms%n", median(grpc));
    System.out.printf(Locale.ROOT, "  node engine in-process (DuckDB read + rows + IRLS) %7.1f ms%n", median(engine));
    System.out.printf(Locale.ROOT, "    raw JDBC scan of the same columns alone          %7.1f ms%n", median(scan));
    System.out.printf(Locale.ROOT, "    IRLS accumulate over in-memory rows (GlmRound)   %7.1f ms%n", median(compute));
    System.out.printf(Locale.ROOT, "    => row materialisation (ModelSpec.read maps/rows) ~%6.1f ms%n",
        median(engine) - median(scan) - median(compute));
    System.out.printf(Locale.ROOT, "  transport + audit + gate (gRPC - engine)           %7.1f ms%n",
        median(grpc) - median(engine));
    System.out.printf(Locale.ROOT, "    of which one forced append (the audit log's write)  %7.1f ms (median of 10)%n",
        median(force));
    System.out.printf(Locale.ROOT, "  alternative: the round as one DuckDB aggregate query %7.1f ms (X'WX, X'Wz, deviance%n"
        + "    in SQL, no rows cross JDBC; timing sketch only, without R's logit thresholds)%n", median(sql));
  }

  /** One binomial IRLS round at {@code beta} as a single aggregate query over table t (a sketch for timing). */
  static String sqlRound(double[] beta) {
    String[] x = {"1.0", "x1", "x2", "x3", "x4", "x5", "x6", "CAST(grp = 'b' AS DOUBLE)", "CAST(grp = 'c' AS DOUBLE)",
        "CAST(grp = 'd' AS DOUBLE)"};
    StringBuilder eta = new StringBuilder("0");
    for (int j = 0; j < x.length; j++) {
      eta.append(" + ").append(beta[j]).append(" * ").append(x[j]);
    }
    StringBuilder agg = new StringBuilder("count(*) AS n, sum(-2 * (y * ln(mu) + (1 - y) * ln(1 - mu))) AS dev");
    for (int i = 0; i < x.length; i++) {
      agg.append(", sum(w * ").append(x[i]).append(" * z)");
      for (int j = i; j < x.length; j++) {
        agg.append(", sum(w * ").append(x[i]).append(" * ").append(x[j]).append(')');
      }
    }
    return "SELECT " + agg + " FROM (SELECT *, mu * (1 - mu) AS w, eta + (y - mu) / (mu * (1 - mu)) AS z FROM ("
        + "SELECT *, 1 / (1 + exp(-eta)) AS mu FROM (SELECT *, " + eta + " AS eta FROM t "
        + "WHERE y IS NOT NULL AND x1 IS NOT NULL AND x2 IS NOT NULL AND x3 IS NOT NULL AND x4 IS NOT NULL AND "
        + "x5 IS NOT NULL AND x6 IS NOT NULL AND grp IS NOT NULL)))";
  }

  // ---------------------------------------------------------------- helpers

  static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static double ms1(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    int k = s.size();
    return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
  }

  static String fmt(List<Double> v) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.size(); i++) {
      b.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, Math.abs(v.get(i)) < 10 ? "%.3f" : "%.0f",
          v.get(i)));
    }
    return b.append(']').toString();
  }

  static double maxDiff(double[] a, List<Double> b) {
    if (a.length != b.size()) {
      return Double.NaN;
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b.get(i)));
    }
    return m;
  }
}
