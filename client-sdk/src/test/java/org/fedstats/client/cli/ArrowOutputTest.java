package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.client.cli.FedstatsCliTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.fedstats.client.Analyses;
import org.fedstats.client.FederationClient;
import org.fedstats.client.NettyFederationAccess;
import org.fedstats.client.Results.Result;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.ModelFitView;
import org.fedstats.client.analysis.View;
import org.fedstats.client.analysis.lm.LmUnit;
import org.fedstats.client.arrow.ArrowResults;
import org.fedstats.client.cli.FedstatsCliTest.Run;
import org.fedstats.client.testing.FakeCoordinator;
import org.fedstats.node.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code --format arrow} and {@code arrow-stream} against a real federation on loopback (and, for sites that refuse
 * or fail, a stand-in coordinator): the Arrow table read back with Arrow's own reader holds every value of the CSV of
 * the same request, in typed columns, with what was asked in its metadata; the bytes are Arrow IPC as R's and
 * Python's readers expect them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArrowOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] FILE_MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

  private AutoCloseable federation;
  private String address;
  private FakeCoordinator partial;
  private BufferAllocator allocator;
  @TempDir
  Path tmp;

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    var f = NettyFederationAccess.start(work, site -> SharedData.colonDataset(site,
        SharedData.ALL + ", lm, glm, correlation, chisq, meta", "min-cell-count: 5"));
    federation = f;
    address = NettyFederationAccess.address(f);
    partial = new FakeCoordinator(CliOutputUnchangedTest::answer);
    allocator = new RootAllocator();
  }

  @AfterAll
  void stop() throws Exception {
    if (allocator != null) {
      allocator.close();
    }
    if (partial != null) {
      partial.close();
    }
    if (federation != null) {
      federation.close();
    }
  }

  static Stream<List<String>> analyses() {
    return Stream.of(
        List.of("count", "colon", "--where", "sex = 0"),
        List.of("summary", "colon", "age"),
        List.of("table", "colon", "rx", "status"),
        List.of("table", "colon", "rx"),
        List.of("histogram", "colon", "age", "--breaks", "0,40,50,60,70,100"),
        List.of("lm", "colon", "time ~ age + sex + rx"),
        List.of("glm", "colon", "status ~ rx + sex + age", "--family", "binomial"),
        List.of("chisq", "colon", "rx", "status"),
        List.of("correlation", "colon", "age", "time"),
        List.of("meta", "colon", "status ~ rx + age", "--family", "binomial"));
  }

  /** Runs the command line against {@code coordinator} as a user of its own (each analysis its own budget). */
  private static Run cli(String coordinator, String format, List<String> command, String... more) {
    List<String> args = new ArrayList<>(List.of("--coordinator", coordinator, "--user", "arrow-" + command.getFirst(),
        "--format", format));
    args.addAll(command);
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @ParameterizedTest
  @MethodSource("analyses")
  void arrowFileHoldsEveryValueOfTheCsvAndTheJsonsMetadata(List<String> command) throws IOException {
    assertArrowMatchesCsv(address, command, "arrow-" + command.getFirst() + "-" + command.size() + ".arrow");
  }

  /** Sites that refused and failed: a row each with no values, the status and the reason; no pooled value. */
  @ParameterizedTest
  @MethodSource("withoutPool")
  void sitesWithoutAnswersAreRowsWithoutValues(List<String> command) throws IOException {
    Path file = assertArrowMatchesCsv(partial.address(), command, "partial-" + command.getFirst() + ".arrow");
    try (ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(
        Files.readAllBytes(file)), allocator)) {
      assertThat(reader.loadNextBatch()).isTrue();
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      List<Object> status = column(root, "status");
      int answered = status.lastIndexOf("ANSWERED") + 1;
      assertThat(answered).isPositive();
      assertThat(status.subList(answered, status.size())).containsExactly("REFUSED", "FAILED", "UNAVAILABLE");
      assertThat(column(root, "site").subList(answered, status.size())).containsExactly("site2", "site3", "pooled");
      assertThat(column(root, "note").get(answered)).isEqualTo("min-cell-count: a cell has fewer than 5 records");
      for (Field f : root.getSchema().getFields().subList(2, root.getSchema().getFields().size() - 1)) {
        assertThat(column(root, f.getName()).subList(answered, status.size())).as(f.getName()).containsOnlyNulls();
      }
      assertThat(root.getSchema().getCustomMetadata()).containsEntry("pooled", "false")
          .containsEntry("dataset", "partial").containsEntry("pooled_over", "");
    }
  }

  static Stream<List<String>> withoutPool() {
    return Stream.of(List.of("summary", "partial", "age"), List.of("table", "partial", "rx", "status"),
        List.of("histogram", "partial", "age", "--breaks", "0,40,50,60,70,100"));
  }

  /**
   * Runs the command as CSV, as JSON and as an Arrow file; checks that the Arrow table has the CSV's columns and
   * rows, each value the CSV's, and the JSON's request id and pooled note in its metadata. Returns the file.
   */
  private Path assertArrowMatchesCsv(String coordinator, List<String> command, String name) throws IOException {
    Run csv = cli(coordinator, "csv", command);
    Run json = cli(coordinator, "json", command);
    Path file = tmp.resolve(name);
    Run arrow = cli(coordinator, "arrow", command, "--output", file.toString());
    // stderr has only a multi-round analysis's rounds, stdout nothing.
    assertThat(arrow.err().lines()).allMatch(line -> line.startsWith("round "));
    assertThat(arrow.out()).isEmpty();
    assertThat(arrow.exit()).isEqualTo(csv.exit()).isIn(0, 3);
    View<?> view = Analyses.all().stream().filter(u -> u.name().equals(command.getFirst())).findFirst()
        .orElseThrow().view();

    List<List<String>> expected = csvRecords(csv.out());
    byte[] bytes = Files.readAllBytes(file);
    assertFileFraming(bytes);
    try (ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(bytes), allocator)) {
      assertThat(reader.getRecordBlocks()).hasSize(1);
      assertThat(reader.loadNextBatch()).isTrue();
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      List<String> names = root.getSchema().getFields().stream().map(Field::getName).toList();
      List<String> header = expected.getFirst();
      if (header.contains("value")) {
        // No site and no pool had a value: the CSV has one empty "value" column, Arrow keeps the typed ones.
        assertThat(names).startsWith("site", "status").endsWith("note");
      } else {
        assertThat(names).isEqualTo(header);
      }
      List<List<String>> rows = expected.subList(1, expected.size());
      assertThat(root.getRowCount()).isEqualTo(rows.size());
      for (int r = 0; r < rows.size(); r++) {
        List<String> want = rows.get(r);
        List<Object> got = new ArrayList<>();
        for (FieldVector v : root.getFieldVectors()) {
          got.add(value(v, r));
        }
        assertThat(got.get(0)).isEqualTo(want.get(0));
        assertThat(got.get(1)).isEqualTo(want.get(1));
        assertThat(got.getLast()).isEqualTo(want.getLast());
        List<Object> values = got.subList(2, got.size() - 1);
        List<String> fields = want.subList(2, want.size() - 1);
        if (fields.stream().allMatch(String::isEmpty) && values.stream().allMatch(v -> v == null)) {
          continue; // a site or pool without a value
        }
        for (int c = 0; c < values.size(); c++) {
          assertThat(csvField(view, values.get(c))).as("row %d column %s", r, names.get(2 + c))
              .isEqualTo(fields.get(c));
        }
      }
      JsonNode response = JSON.readTree(json.out());
      Map<String, String> metadata = root.getSchema().getCustomMetadata();
      assertThat(metadata).containsEntry("dataset", command.get(1)).containsEntry("analysis", command.getFirst())
          .containsEntry("pooled", Boolean.toString(response.get("pooledAvailable").asBoolean()))
          .containsEntry("pooled_note", response.get("pooledNote").asText());
      assertThat(metadata.get("request_id")).isNotBlank();
      assertThat(JSON.readTree(metadata.get("request")).fieldNames().next()).isNotBlank();
      assertPooledEqualsJson(command.getFirst(), root, response);
    }
    return file;
  }

  @SuppressWarnings("unchecked")
  private static String csvField(View<?> view, Object value) {
    return ((View<Object>) view).csvField(value);
  }

  /** The pooled numbers, exactly (not as printed), against the JSON response's. */
  private static void assertPooledEqualsJson(String analysis, VectorSchemaRoot root, JsonNode response) {
    if (!response.get("pooledAvailable").asBoolean()) {
      return;
    }
    JsonNode pooled = response.get("pooled");
    List<Integer> rows = new ArrayList<>();
    List<Object> sites = column(root, "site");
    for (int r = 0; r < sites.size(); r++) {
      if (sites.get(r).equals("pooled")) {
        rows.add(r);
      }
    }
    switch (analysis) {
      case "summary" -> {
        assertThat(column(root, "mean").get(rows.getFirst())).isEqualTo(pooled.get("summary").get("mean").asDouble());
        assertThat(column(root, "n").get(rows.getFirst())).isEqualTo(pooled.get("summary").get("n").asLong());
      }
      case "lm", "glm" -> {
        JsonNode coefficients = pooled.get("modelFit").get("coefficients");
        assertThat(rows).hasSize(coefficients.size());
        for (int i = 0; i < coefficients.size(); i++) {
          assertThat(column(root, "term").get(rows.get(i))).isEqualTo(coefficients.get(i).get("term").asText());
          assertThat(column(root, "estimate").get(rows.get(i)))
              .isEqualTo(coefficients.get(i).get("estimate").asDouble());
          assertThat(column(root, "std_error").get(rows.get(i)))
              .isEqualTo(coefficients.get(i).get("stdError").asDouble());
          assertThat(column(root, "p_value").get(rows.get(i))).isEqualTo(coefficients.get(i).get("pValue").asDouble());
        }
      }
      case "meta" -> {
        JsonNode terms = pooled.get("meta").get("terms");
        List<Object> methods = column(root, "method");
        List<Double> reml = new ArrayList<>();
        for (int r : rows) {
          if (methods.get(r).equals("reml")) {
            reml.add((Double) column(root, "estimate").get(r));
          }
        }
        assertThat(reml).hasSize(terms.size());
        for (int t = 0; t < terms.size(); t++) {
          assertThat(reml.get(t)).isEqualTo(terms.get(t).get("reml").get("estimate").asDouble());
        }
      }
      case "correlation" -> assertThat(column(root, "correlation").get(rows.getFirst()))
          .isEqualTo(pooled.get("correlation").get("correlation").get(1).asDouble());
      case "table" -> assertThat(rows.stream().mapToLong(r -> (Long) column(root, "count").get(r)).sum())
          .isEqualTo(sum(pooled.get("table").get("cells")));
      default -> { }
    }
  }

  private static long sum(JsonNode cells) {
    long total = 0;
    for (JsonNode c : cells) {
      total += c.get("count").asLong();
    }
    return total;
  }

  @Test
  void columnsHaveArrowTypesForRAndPandas() throws IOException {
    Path lm = tmp.resolve("types-lm.arrow");
    assertThat(cli(address, "arrow", List.of("lm", "colon", "time ~ age + sex"), "--output", lm.toString()).exit())
        .isZero();
    Path chisq = tmp.resolve("types-chisq.arrow");
    assertThat(cli(address, "arrow", List.of("chisq", "colon", "rx", "status"), "-o", chisq.toString()).exit())
        .isZero();
    ArrowType utf8 = ArrowType.Utf8.INSTANCE;
    ArrowType int64 = new ArrowType.Int(64, true);
    ArrowType float64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    try (ArrowFileReader reader = reader(lm)) {
      List<Field> fields = reader.getVectorSchemaRoot().getSchema().getFields();
      assertThat(fields).extracting(Field::getName).containsExactly("site", "status", "term", "estimate",
          "std_error", "statistic", "p_value", "n", "df_residual", "sigma", "r_squared", "adj_r_squared",
          "f_statistic", "f_p_value", "note");
      assertThat(fields).extracting(Field::getType).containsExactly(utf8, utf8, utf8, float64, float64, float64,
          float64, int64, int64, float64, float64, float64, float64, float64, utf8);
      assertThat(fields).allSatisfy(f -> assertThat(f.isNullable()).isTrue());
    }
    try (ArrowFileReader reader = reader(chisq)) {
      assertThat(reader.getVectorSchemaRoot().getSchema().getFields()).extracting(Field::getType)
          .containsExactly(utf8, utf8, utf8, utf8, int64, float64, int64, float64, ArrowType.Bool.INSTANCE, utf8);
    }
  }

  private ArrowFileReader reader(Path file) throws IOException {
    ArrowFileReader reader = new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(Files.readAllBytes(file)),
        allocator);
    assertThat(reader.loadNextBatch()).isTrue();
    return reader;
  }

  @Test
  void arrowStreamGoesToStdoutAsAnIpcStreamOfTheSameTable() throws IOException {
    List<String> command = List.of("table", "colon", "rx", "status");
    List<String> args = new ArrayList<>(List.of("--coordinator", address, "--user", "arrow-stream", "--format",
        "arrow-stream"));
    args.addAll(command);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    StringWriter text = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FedstatsCli.commandLine(stdout);
    cl.setOut(new PrintWriter(text));
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args.toArray(String[]::new))).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(text.toString()).isEmpty();
    byte[] bytes = stdout.toByteArray();
    // IPC stream framing: each message opens with the continuation marker; the stream ends with a zero length.
    assertThat(Arrays.copyOfRange(bytes, 0, 4)).containsExactly(-1, -1, -1, -1);
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 8, bytes.length)).containsExactly(-1, -1, -1, -1, 0, 0, 0, 0);

    Path file = tmp.resolve("stream-table.arrow");
    assertThat(cli(address, "arrow", command, "--output", file.toString()).exit()).isZero();
    Path streamFile = tmp.resolve("stream-table.arrows");
    assertThat(cli(address, "arrow-stream", command, "--output", streamFile.toString()).exit()).isZero();
    try (ArrowReader stream = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator);
         ArrowReader streamOut = new ArrowStreamReader(new ByteArrayInputStream(Files.readAllBytes(streamFile)),
             allocator);
         ArrowFileReader fileReader = reader(file)) {
      assertThat(stream.loadNextBatch()).isTrue();
      assertThat(streamOut.loadNextBatch()).isTrue();
      String table = fileReader.getVectorSchemaRoot().contentToTSVString();
      assertThat(stream.getVectorSchemaRoot().contentToTSVString()).isEqualTo(table).contains("pooled\tPOOLED\tLev\t1");
      assertThat(streamOut.getVectorSchemaRoot().contentToTSVString()).isEqualTo(table);
      assertThat(stream.loadNextBatch()).isFalse();
    }
  }

  @Test
  void theSdkGivesTheSameTableAsAVectorSchemaRoot() {
    AnalysisSpec<ModelFitView> spec = LmUnit.spec("time ~ age + rx");
    try (FederationClient client = FederationClient.connect(address, "arrow-sdk", Duration.ofSeconds(60))) {
      Result<ModelFitView> fit = client.dataset("colon").run(spec);
      try (VectorSchemaRoot root = ArrowResults.toRoot(fit, spec, "colon", allocator)) {
        ModelFitView pooled = fit.pooledOrThrow();
        int sites = fit.sites().size();
        assertThat(root.getRowCount()).isEqualTo(sites + pooled.coefficients().size());
        for (int i = 0; i < sites; i++) {
          assertThat(value(root.getVector("site"), i)).isEqualTo(fit.sites().get(i).nodeId());
          assertThat(value(root.getVector("term"), i)).isNull();
          assertThat(value(root.getVector("n"), i)).isEqualTo(fit.sites().get(i).result().orElseThrow().n());
        }
        for (int k = 0; k < pooled.coefficients().size(); k++) {
          ModelFitView.Coefficient c = pooled.coefficients().get(k);
          assertThat(value(root.getVector("term"), sites + k)).isEqualTo(c.term());
          assertThat(value(root.getVector("estimate"), sites + k)).isEqualTo(c.estimate());
          assertThat(value(root.getVector("statistic"), sites + k)).isEqualTo(c.statistic());
        }
        assertThat(root.getSchema().getCustomMetadata()).containsEntry("request_id", fit.requestId())
            .containsEntry("pooled_over", String.join(",", fit.pooledOver()));
      }
    }
  }

  @Test
  void arrowNeedsAFileAndIsForAnalysesOnly() {
    Run noFile = cli(address, "arrow", List.of("count", "colon"));
    assertThat(noFile.exit()).isEqualTo(2);
    assertThat(noFile.out()).isEmpty();
    assertThat(noFile.err()).contains("--format arrow writes an Arrow IPC file: give --output FILE");
    Run listing = run("--coordinator", address, "--format", "arrow-stream", "nodes");
    assertThat(listing.exit()).isEqualTo(2);
    assertThat(listing.err()).contains("--format arrow-stream is for analysis results");
    Run badFormat = run("--coordinator", address, "--format", "parquet", "count", "colon");
    assertThat(badFormat.exit()).isEqualTo(2);
    assertThat(badFormat.err()).contains("expected one of text, json, csv, arrow, arrow-stream");
    Path missingFolder = tmp.resolve("no-such-folder").resolve("x.arrow");
    Run unwritable = cli(address, "arrow", List.of("count", "colon"), "--output", missingFolder.toString());
    assertThat(unwritable.exit()).isEqualTo(1);
    assertThat(unwritable.err()).startsWith("fedstats: cannot write " + missingFolder);
    assertThat(missingFolder.getParent()).doesNotExist();
  }

  /**
   * What R's {@code arrow::read_ipc_file} and pyarrow's {@code ipc.open_file} check first: the file opens with
   * "ARROW1" and two bytes of padding, ends with the footer's length and "ARROW1", and its schema message follows
   * the magic with the continuation marker.
   */
  private static void assertFileFraming(byte[] bytes) {
    assertThat(Arrays.copyOfRange(bytes, 0, 6)).isEqualTo(FILE_MAGIC);
    assertThat(Arrays.copyOfRange(bytes, 6, 8)).containsExactly(0, 0);
    assertThat(Arrays.copyOfRange(bytes, 8, 12)).containsExactly(-1, -1, -1, -1);
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 6, bytes.length)).isEqualTo(FILE_MAGIC);
    int footer = ByteBuffer.wrap(bytes, bytes.length - 10, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    assertThat(footer).isPositive().isLessThan(bytes.length - 18);
  }

  /** pyarrow, where it is installed, reads the file and finds the pooled count (skipped where it is not). */
  @Test
  void pyarrowReadsTheFileWhereInstalled() throws Exception {
    Assumptions.assumeTrue(python("import pyarrow") == 0, "pyarrow is not installed");
    Path file = tmp.resolve("py-count.arrow");
    assertThat(cli(address, "arrow", List.of("count", "colon"), "--output", file.toString()).exit()).isZero();
    assertThat(python("import pyarrow.ipc as ipc, sys\n"
        + "t = ipc.open_file(sys.argv[1]).read_all().to_pydict()\n"
        + "i = t['site'].index('pooled')\n"
        + "sys.exit(0 if t['count'][i] == 929 and t['status'][i] == 'POOLED' else 1)", file.toString())).isZero();
  }

  private static int python(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", "-c", script));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    }
  }

  private static Object value(FieldVector vector, int row) {
    Object v = vector.getObject(row);
    return v instanceof org.apache.arrow.vector.util.Text t ? t.toString() : v;
  }

  private static List<Object> column(VectorSchemaRoot root, String name) {
    FieldVector v = root.getVector(name);
    List<Object> values = new ArrayList<>();
    for (int r = 0; r < root.getRowCount(); r++) {
      values.add(value(v, r));
    }
    return values;
  }

  /** RFC 4180 records: fields split at commas, quoted fields with doubled quotes. */
  private static List<List<String>> csvRecords(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          field.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (ch == '\n') {
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else if (ch != '\r') {
        field.append(ch);
      }
    }
    return records;
  }
}
