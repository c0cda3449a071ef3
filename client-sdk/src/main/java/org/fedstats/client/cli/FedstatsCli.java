package org.fedstats.client.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.nio.file.Path;
import java.nio.file.Files;
import org.fedstats.pki.tls.TlsFiles;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.fedstats.client.Analyses;
import org.fedstats.client.FederationClient;
import org.fedstats.client.FedstatsException;
import org.fedstats.client.Query;
import org.fedstats.client.Results.Result;
import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.arrow.ArrowResults;
import org.fedstats.client.analysis.AnalysisOptions;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Render;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.pki.PkiCommand;
import org.fedstats.common.Text;
import org.fedstats.pki.PkiException;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.FederatedDataset;
import org.fedstats.proto.v1.ListDatasetsResponse;
import org.fedstats.proto.v1.ListNodesResponse;
import org.fedstats.proto.v1.NodeStatus;
import org.fedstats.proto.v1.VariableInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The researcher's command line. Exit status: 0 with a pooled value (or a listing), 3 when no pooled value could
 * be given (a site refused or failed), 4 when a site's answer waits for its data steward's review (fetch it later
 * with {@code fedstats fetch <request-id>}), 2 for a usage error, 1 when the request was rejected or the coordinator
 * unreachable. Results go to stdout, errors to stderr, each as one line.
 */
@Command(name = "fedstats", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
    versionProvider = FedstatsCli.Version.class,
    description = "Ask a fedstats federation for pooled, disclosure-checked statistics.",
    subcommands = {FedstatsCli.Nodes.class, FedstatsCli.Datasets.class, FedstatsCli.Variables.class,
        FedstatsCli.Fetch.class})
public final class FedstatsCli implements Callable<Integer> {
  static final int NO_POOLED_VALUE = 3;
  static final int PENDING_REVIEW = 4;

  /** gRPC's own logging (e.g. a failed name resolution with its stack trace); its failures reach us as errors. */
  private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

  @Option(names = {"-C", "--coordinator"}, scope = ScopeType.INHERIT, converter = AddressConverter.class,
      defaultValue = "${env:FEDSTATS_COORDINATOR:-127.0.0.1:7050}", paramLabel = "<host:port>",
      description = "Coordinator address (default: $FEDSTATS_COORDINATOR or ${DEFAULT-VALUE}).")
  String coordinator;

  @Option(names = {"-f", "--format"}, scope = ScopeType.INHERIT, defaultValue = "text",
      converter = FormatConverter.class, completionCandidates = FormatNames.class,
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Output.Format format;

  @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "<file>",
      description = "Write an analysis's result to this file instead of stdout (replaced whole, never half-written);"
      + " --format arrow needs it.")
  Path output;

  @Option(names = {"-u", "--user"}, scope = ScopeType.INHERIT,
      defaultValue = "${env:FEDSTATS_USER:-${sys:user.name}}",
      description = "Name recorded in the nodes' audit logs over plaintext (default: $FEDSTATS_USER or your login).")
  String user;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, defaultValue = "60", paramLabel = "<seconds>",
      description = "Seconds to wait for the federation (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--tls-dir", scope = ScopeType.INHERIT, defaultValue = "${env:FEDSTATS_TLS_DIR}",
      paramLabel = "<dir>", description = "Folder of your certificate from 'fedstats pki' (NAME.key, NAME.crt, ca.crt):"
      + " talk to the coordinator over mutual TLS (default: $FEDSTATS_TLS_DIR; without: plaintext).")
  Path tlsDir;

  @Option(names = "--tls-name", scope = ScopeType.INHERIT, defaultValue = "${env:FEDSTATS_TLS_NAME}",
      paramLabel = "<name>", description = "File name of your key and certificate in --tls-dir (default: "
      + "$FEDSTATS_TLS_NAME). The coordinator records the certificate's name, not --user.")
  String tlsName;

  @Option(names = "--token-file", scope = ScopeType.INHERIT, defaultValue = "${env:FEDSTATS_TOKEN_FILE}",
      paramLabel = "<file>", description = "File holding your OpenID Connect token from the federation's identity "
      + "provider, sent as a bearer token (default: $FEDSTATS_TOKEN_FILE). With --tls-dir but no --tls-name, TLS "
      + "trusting the folder's ca.crt without a certificate of your own.")
  Path tokenFile;

  @Option(names = "--project", scope = ScopeType.INHERIT, defaultValue = "${env:FEDSTATS_PROJECT}",
      paramLabel = "<id>", description = "The approved project (study) you ask for; nodes with study approvals "
      + "answer only what it covers (default: $FEDSTATS_PROJECT).")
  String project;

  @Spec
  CommandLine.Model.CommandSpec spec;

  /** Where bytes (--format arrow-stream without --output) go: the process's stdout, or a test's buffer. */
  private OutputStream stdout = System.out;

  FederationClient connect() {
    FederationClient client = transport();
    if (tokenFile != null) {
      String token = token(tokenFile);
      client = client.withToken(() -> token);
    }
    return project == null || project.isBlank() ? client : client.withProject(project.strip());
  }

  /** The token in {@code file}: its first line, which must not be empty. */
  private static String token(Path file) {
    try {
      String token = Files.readString(file).strip();
      if (token.isEmpty() || token.contains("\n")) {
        throw new IllegalArgumentException("--token-file " + file + " must hold one token on one line");
      }
      return token;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read --token-file " + file + ": " + e.getMessage(), e);
    }
  }

  private FederationClient transport() {
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    if (tlsDir == null && tlsName == null) {
      return FederationClient.connect(coordinator, user, timeout);
    }
    if (tlsDir != null && tlsName == null && tokenFile != null) {
      return FederationClient.connect(coordinator, tlsDir.resolve("ca.crt"), user, timeout);
    }
    if (tlsDir == null || tlsName == null) {
      throw new IllegalArgumentException("--tls-dir and --tls-name go together (or $FEDSTATS_TLS_DIR and "
          + "$FEDSTATS_TLS_NAME): the folder and the name of your key and certificate");
    }
    TlsFiles files = TlsFiles.inFolder(tlsDir, tlsName);
    // A researcher's folder need not hold the revocation list: the coordinator checks researchers.
    return FederationClient.connect(coordinator,
        files.crl().filter(Files::isRegularFile).isPresent() ? files : files.withoutCrl(), timeout);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** stdout for a listing (nodes, datasets, variables), which has only text, json and csv, and no --output. */
  PrintWriter listingOut() {
    if (format.arrow() || output != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), (output != null ? "--output" : "--format "
          + format) + " is for analysis results; the listings print text, json or csv to stdout");
    }
    return out();
  }

  /** Without a command: the usage, on stderr, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return spec.exitCodeOnInvalidInput();
  }

  public static void main(String[] args) {
    GRPC_LOG.setLevel(Level.OFF);
    System.exit(commandLine().execute(args));
  }

  /** The command line: the listings, a subcommand for each analysis in the registry, the PKI, then help. */
  public static CommandLine commandLine() {
    return commandLine(Analyses.all());
  }

  /** The command line, with bytes (an Arrow stream) written to {@code stdout} rather than the process's. */
  static CommandLine commandLine(OutputStream stdout) {
    CommandLine cl = commandLine(Analyses.all());
    ((FedstatsCli) cl.getCommand()).stdout = stdout;
    return cl;
  }

  /** The command line with a subcommand for each of these analyses. */
  static CommandLine commandLine(List<Unit<?>> units) {
    FedstatsCli cli = new FedstatsCli();
    CommandLine cl = new CommandLine(cli);
    units.forEach(unit -> cl.addSubcommand(unit.command()));
    cl.addSubcommand(PkiCommand.class);
    PkiCommand.dropInheritedOptions(cl.getSubcommands().get("pki"),
        Set.of("--coordinator", "--format", "--output", "--user", "--timeout", "--tls-dir", "--tls-name",
            "--token-file", "--project"));
    cl.addSubcommand(CommandLine.HelpCommand.class);
    cl.setExecutionStrategy(parsed -> {
      Integer help = CommandLine.executeHelpRequest(parsed);
      if (help != null) {
        return help;
      }
      CommandLine.ParseResult last = parsed;
      while (last.hasSubcommand()) {
        last = last.subcommand();
      }
      if (last.commandSpec().userObject() instanceof AnalysisCommand command) {
        Unit<?> unit = units.stream().filter(u -> u.command().isInstance(command)).findFirst().orElseThrow();
        try {
          return cli.analyse(command, command.spec(), unit.multiRound());
        } catch (CommandLine.ParameterException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), e.toString(), e);
        }
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      String message = e instanceof FedstatsException || e instanceof IllegalArgumentException
          || e instanceof PkiException || e instanceof UncheckedIOException ? e.getMessage() : e.toString();
      cmd.getErr().println("fedstats: " + message);
      cmd.getErr().flush();
      return 1;
    });
    cl.setParameterExceptionHandler(FedstatsCli::usageError);
    return cl;
  }

  /** A usage error in one line: what is wrong, any "did you mean", and where the help is. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    StringBuilder line = new StringBuilder("fedstats: ").append(e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      line.append("; did you mean ").append(String.join(" or ", u.getSuggestions())).append('?');
    }
    line.append(" (see '").append(cmd.getCommandSpec().qualifiedName()).append(" --help')");
    cmd.getErr().println(line);
    cmd.getErr().flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * Runs an analysis subcommand: what it asks of its dataset and cohort, printed with the spec's view; the rounds of
   * a multi-round analysis go to stderr as they complete, so that stdout has the result only.
   */
  private <T> int analyse(AnalysisCommand command, AnalysisSpec<T> asked, boolean multiRound) {
    AnalysisOptions options = command.options();
    if (format == Output.Format.ARROW && output == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--format arrow writes an Arrow IPC file: give --output FILE (or --format arrow-stream for stdout)");
    }
    try (FederationClient client = connect()) {
      Query query = client.dataset(options.dataset());
      if (options.where() != null) {
        query = query.where(options.where());
      }
      if (options.partial()) {
        query = query.allowPartial();
      }
      if (!options.nodes().isEmpty()) {
        query = query.onNodes(options.nodes());
      }
      if (multiRound) {
        PrintWriter err = spec.commandLine().getErr();
        query = query.onProgress(round -> {
          err.println(Output.progress(round));
          err.flush();
        });
      }
      Result<T> result = query.run(asked);
      String title = command.title() + (options.where() == null ? "" : " where " + options.where());
      Bytes body = switch (format) {
        case ARROW -> stream -> ArrowResults.writeFile(result, asked, options.dataset(), stream);
        case ARROW_STREAM -> stream -> ArrowResults.writeStream(result, asked, options.dataset(), stream);
        case TEXT, JSON, CSV -> stream -> {
          PrintWriter text = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
          Output.result(text, format, title, result, asked.view());
          text.flush();
        };
      };
      if (output != null) {
        writeFile(output, body);
      } else if (format.arrow()) {
        try {
          body.write(stdout);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write to stdout: " + e, e);
        }
      } else {
        Output.result(out(), format, title, result, asked.view());
      }
      return status(result);
    }
  }

  private static int status(Result<?> result) {
    return result.pooled().isPresent() ? 0 : result.pendingReview() ? PENDING_REVIEW : NO_POOLED_VALUE;
  }

  @Command(name = "fetch", description = "The result of a request some of whose sites held their answers for their "
      + "data stewards' review (PENDING_REVIEW): pooled once every site has answered, still pending, or refused "
      + "(rule review-denied) where a steward denied it. Only the researcher who asked may fetch it.")
  static final class Fetch implements Callable<Integer> {
    @ParentCommand
    FedstatsCli cli;

    @Parameters(index = "0", paramLabel = "<request-id>",
        description = "The request id printed with the response that waited.")
    String requestId;

    @Override
    public Integer call() {
      try (FederationClient client = cli.connect()) {
        Result<?> result = client.fetch(requestId);
        print(cli, "fetch of request " + result.requestId(), result.response(),
            Analyses.of(result.response().getAnalysis()));
        return status(result);
      }
    }

    private static <T> void print(FedstatsCli cli, String title, org.fedstats.proto.v1.AnalysisResponse response,
        Unit<T> unit) {
      Output.result(cli.out(), cli.format, title, org.fedstats.client.Results.of(response, unit.view()), unit.view());
      cli.out().flush();
    }
  }

  /** What writes a result's bytes. */
  @FunctionalInterface
  private interface Bytes {
    void write(OutputStream stream) throws IOException;
  }

  /**
   * Writes {@code file} whole: the bytes go to a file beside it that is then moved over it, so that a reader (or a
   * failure half-way) never leaves a part of a result under its name.
   */
  private static void writeFile(Path file, Bytes body) {
    Path target = file.toAbsolutePath();
    Path temp = null;
    try {
      temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
      try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(temp))) {
        body.write(stream);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The move took it, or it cannot be removed either; the message above says what failed.
        }
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fedstats " + org.fedstats.common.Contract.version(FedstatsCli.class)};
    }
  }

  /** Checks --coordinator as the SDK does, so that a malformed address is a usage error naming the option. */
  static final class AddressConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      try {
        return FederationClient.parseAddress(value).toString();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class FormatNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Output.Format.values()).map(Output.Format::toString).iterator();
    }
  }

  static final class FormatConverter implements CommandLine.ITypeConverter<Output.Format> {
    @Override
    public Output.Format convert(String value) {
      return Arrays.stream(Output.Format.values()).filter(f -> f.toString().equalsIgnoreCase(value.strip()))
          .findFirst().orElseThrow(() -> new CommandLine.TypeConversionException("expected one of "
              + String.join(", ", new FormatNames()) + ", not '" + Text.echo(value) + "'"));
    }
  }

  @Command(name = "nodes", description = "The federation's nodes and their health.")
  static final class Nodes implements Callable<Integer> {
    @ParentCommand
    FedstatsCli cli;

    @Override
    public Integer call() {
      PrintWriter out = cli.listingOut();
      try (FederationClient client = cli.connect()) {
        List<NodeStatus> nodes = client.nodes();
        switch (cli.format) {
          case JSON -> Output.json(out, ListNodesResponse.newBuilder().addAllNodes(nodes));
          case CSV -> {
            out.println("node,address,reachable,version,latency_ms,requests,refusals,errors,datasets,last_error,link,"
                + "data_versions,policy_hashes,drift");
            nodes.forEach(n -> out.println(Output.csvLine(List.of(n.getNodeId(), n.getAddress(),
                Boolean.toString(n.getReachable()), n.getVersion(), Render.number(n.getLastLatencyMs()),
                Long.toString(n.getRequests()), Long.toString(n.getRefusals()), Long.toString(n.getErrors()),
                String.join(" ", n.getDatasetsList()), n.getLastError(), n.getLink(),
                n.getDatasetStatesList().stream().map(d -> d.getDataset() + "=" + d.getDataVersion())
                    .collect(java.util.stream.Collectors.joining(" ")),
                n.getDatasetStatesList().stream().map(d -> d.getDataset() + "=" + d.getPolicyHash())
                    .collect(java.util.stream.Collectors.joining(" ")),
                String.join("; ", n.getDriftList())))));
          }
          case TEXT -> {
            out.printf("%-10s %-20s %-9s %-16s %10s %8s %8s %6s  %s%n", "node", "address", "status", "version",
                "latency_ms", "requests", "refusals", "errors", "datasets");
            for (NodeStatus n : nodes) {
              out.printf("%-10s %-20s %-9s %-16s %10s %8d %8d %6d  %s%n", n.getNodeId(),
                  n.getLink().equals("outbound") ? "(dials in)" : n.getAddress(),
                  n.getReachable() ? "up" : "DOWN", n.getVersion(), Render.number(n.getLastLatencyMs()),
                  n.getRequests(), n.getRefusals(), n.getErrors(),
                  n.getReachable() ? String.join(", ", n.getDatasetsList()) : n.getLastError());
              // What the node last reported of each dataset: which data, under which policy (short hashes).
              n.getDatasetStatesList().forEach(d -> out.printf("    %s: data %s (%d rows), policy %s%n", d.getDataset(),
                  Text.shortHash(d.getDataVersion()), d.getRows(), Text.shortHash(d.getPolicyHash())));
              n.getDriftList().forEach(d -> out.println("    DRIFT: " + d));
            }
          }
        }
        out.flush();
        return 0;
      }
    }
  }

  @Command(name = "datasets", description = "Datasets held in the federation and the nodes holding them.")
  static final class Datasets implements Callable<Integer> {
    @ParentCommand
    FedstatsCli cli;

    @Override
    public Integer call() {
      PrintWriter out = cli.listingOut();
      try (FederationClient client = cli.connect()) {
        List<FederatedDataset> datasets = client.datasets();
        switch (cli.format) {
          case JSON -> Output.json(out, ListDatasetsResponse.newBuilder().addAllDatasets(datasets));
          case CSV -> {
            out.println("dataset,nodes,variables,analyses,description");
            datasets.forEach(d -> out.println(Output.csvLine(List.of(d.getInfo().getName(),
                String.join(" ", d.getNodeIdsList()), Integer.toString(d.getInfo().getVariablesCount()),
                String.join(" ", d.getInfo().getAnalysesList()), d.getInfo().getDescription()))));
          }
          case TEXT -> {
            for (FederatedDataset d : datasets) {
              out.printf("%-10s on %s; %d variables; analyses: %s%n    %s%n", d.getInfo().getName(),
                  String.join(", ", d.getNodeIdsList()), d.getInfo().getVariablesCount(),
                  String.join(", ", d.getInfo().getAnalysesList()), d.getInfo().getDescription());
              d.getInconsistenciesList().forEach(i -> out.println("    WARNING: " + i));
            }
          }
        }
        out.flush();
        return 0;
      }
    }
  }

  @Command(name = "variables", description = "The declared variables of a dataset (metadata only).")
  static final class Variables implements Callable<Integer> {
    @ParentCommand
    FedstatsCli cli;

    @Parameters(index = "0", description = "Dataset name.")
    String dataset;

    @Override
    public Integer call() {
      PrintWriter out = cli.listingOut();
      try (FederationClient client = cli.connect()) {
        DatasetInfo info = client.datasets().stream().map(FederatedDataset::getInfo)
            .filter(d -> d.getName().equals(dataset)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no dataset " + dataset + " in the federation"));
        Function<VariableInfo, String> type = v -> v.getType().name().toLowerCase(java.util.Locale.ROOT);
        switch (cli.format) {
          case JSON -> Output.json(out, info);
          case CSV -> {
            out.println("variable,type,levels,description");
            info.getVariablesList().forEach(v -> out.println(Output.csvLine(List.of(v.getName(), type.apply(v),
                String.join("|", v.getLevelsList()), v.getDescription()))));
          }
          case TEXT -> info.getVariablesList().forEach(v -> out.printf("%-14s %-12s %s%s%n", v.getName(),
              type.apply(v), v.getDescription(),
              v.getLevelsCount() > 0 ? " [" + String.join(", ", v.getLevelsList()) + "]" : ""));
        }
        out.flush();
        return 0;
      }
    }
  }
}
