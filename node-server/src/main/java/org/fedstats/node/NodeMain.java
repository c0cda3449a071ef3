package org.fedstats.node;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.node.review.ReviewCommand;
import org.fedstats.common.audit.AuditCommand;
import org.fedstats.common.ops.Telemetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Starts a node from its YAML configuration. */
@Command(name = "fedstats-node", mixinStandardHelpOptions = true,
    subcommands = {AuditCommand.class, ReviewCommand.class}, versionProvider = NodeMain.VersionProvider.class,
    description = "Serves a data holder's datasets to a fedstats federation: approved aggregate analyses only, "
        + "disclosure-checked, audited.")
public final class NodeMain implements Callable<Integer> {
  /** Exit status when the node cannot start (its configuration, data, audit log or address). */
  public static final int CANNOT_START = 2;

  @Option(names = {"-c", "--config"}, description = "The node's YAML configuration file.")
  Path config;

  @Option(names = "--port", description = "Listen on this port instead of the configured one (0: any free port).")
  Integer port;

  @Spec
  CommandSpec spec;

  @Option(names = "--verbose", description = "Print the stack trace of a start-up failure.")
  boolean verbose;

  private final PrintStream out;

  NodeMain(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      // Not a required option, so that 'audit verify' and 'review' run without one.
      throw new ParameterException(spec.commandLine(), "Missing required option: '--config=<config>'");
    }
    NodeSettings settings = NodeConfigLoader.load(config);
    if (settings.coordinator().isPresent()) {
      if (port != null) {
        throw new ParameterException(spec.commandLine(), "--port applies to a node that listens; this one dials its "
            + "coordinator (the configuration's 'coordinator' section) and listens on no port");
      }
      return outbound(settings);
    }
    if (port != null) {
      settings = settings.withListen(settings.host(), port);
    }
    NodeSettings listening = settings;
    Telemetry telemetry = telemetry(settings);
    NodeServer server = closingOnFailure(telemetry, () -> NodeServer.start(listening, telemetry.registry()));
    onShutdown(server, telemetry);
    out.printf("node %s %s listening on %s:%d with %d dataset(s); audit log %s; state %s%s%s%n", settings.nodeId(),
        NodeGate.version(), settings.host(), server.port(), settings.datasets().size(), settings.auditLog(),
        settings.stateDir(), server.node().noiseNote().map(n -> "; " + n).orElse(""), telemetry.note());
    out.flush();
    server.awaitTermination();
    return 0;
  }

  private int outbound(NodeSettings settings) throws Exception {
    Telemetry telemetry = telemetry(settings);
    OutboundNode node = closingOnFailure(telemetry, () -> OutboundNode.start(settings, telemetry.registry()));
    onShutdown(node, telemetry);
    out.printf("node %s %s dialling its coordinator at %s (%s) with %d dataset(s); audit log %s; "
        + "state %s%s%s%n", settings.nodeId(), NodeGate.version(), settings.coordinator().orElseThrow().address(),
        telemetry.port() < 0 ? "no listening port" : "no gRPC port", settings.datasets().size(), settings.auditLog(),
        settings.stateDir(), node.node().noiseNote().map(n -> "; " + n).orElse(""), telemetry.note());
    out.flush();
    node.awaitTermination();
    return 0;
  }

  /** The node's meters, exported at {@code metrics-listen} if configured (off by default). */
  private static Telemetry telemetry(NodeSettings settings) throws StartupException {
    try {
      return Telemetry.start(settings.operations().metricsListen(), "node " + settings.nodeId());
    } catch (IOException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /** What {@code start} starts; if it fails, the metrics port is closed again. */
  private static <T> T closingOnFailure(Telemetry telemetry, Callable<T> start) throws Exception {
    try {
      return start.call();
    } catch (Exception e) {
      telemetry.close();
      throw e;
    }
  }

  /** On SIGTERM: the node finishes the requests in flight (up to shutdown-grace-ms), then stops. */
  private static void onShutdown(AutoCloseable running, Telemetry telemetry) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try (telemetry) {
        running.close();
      } catch (Exception e) {
        System.err.println("node shutdown: " + e.getMessage());
      }
    }, "node-shutdown"));
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the node (returning only when it stops) or reports why it cannot start: one line per problem on
   * {@code err}, and a stack trace only with {@code --verbose}.
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    NodeMain main = new NodeMain(out);
    CommandLine cli = new CommandLine(main);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      List<String> problems = e instanceof StartupException s ? s.problems()
          : List.of("node failed to start: " + (e.getMessage() == null ? e.getClass().getSimpleName()
              : e.getMessage()));
      for (String problem : problems) {
        err.println("fedstats-node: " + problem.replace('\n', ' ').replace('\r', ' '));
      }
      if (main.verbose) {
        e.printStackTrace(err);
      } else if (!(e instanceof StartupException)) {
        err.println("fedstats-node: run with --verbose for the stack trace");
      }
      err.flush();
      return CANNOT_START;
    });
    return cli.execute(args);
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fedstats-node " + NodeGate.version()};
    }
  }
}
