package org.fedstats.coordinator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.proto.v1.NodeStatus;
import org.fedstats.common.audit.AuditCommand;
import org.fedstats.common.ops.Telemetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Starts a coordinator from its YAML configuration. */
@Command(name = "fedstats-coordinator", mixinStandardHelpOptions = true, subcommands = AuditCommand.class,
    versionProvider = CoordinatorMain.VersionProvider.class,
    description = "Fans researchers' requests out to a fedstats federation's nodes and pools their answers.")
public final class CoordinatorMain implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, description = "The coordinator's YAML configuration file.")
  Path config;

  @Spec
  CommandSpec spec;

  @Option(names = "--verbose", description = "Print stack traces of start-up problems.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      // Not a required option, so that 'audit verify' runs without one.
      throw new ParameterException(spec.commandLine(), "Missing required option: '--config=<config>'");
    }
    CoordinatorSettings settings;
    Coordinator coordinator;
    Telemetry telemetry = null;
    try {
      settings = CoordinatorSettings.load(config);
      // Before the metrics port's server: the JDK reads its HTTP servers' connection limits once.
      org.fedstats.coordinator.web.WebServer.connectionLimits();
      // Meters are exported only at a configured metrics-listen address.
      telemetry = Telemetry.start(settings.operations().metricsListen(), "coordinator");
      coordinator = Coordinator.start(settings, telemetry.registry());
    } catch (IOException e) {
      if (telemetry != null) {
        telemetry.close();
      }
      // One line that says what is wrong; the stack trace only on request.
      System.err.println("fedstats-coordinator: " + e.getMessage());
      if (verbose) {
        e.printStackTrace();
      }
      return 1;
    }
    // On SIGTERM: stop taking requests, finish those in flight (up to shutdown-grace-ms), then stop.
    Telemetry meters = telemetry;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try (meters) {
        coordinator.close();
      }
    }, "coordinator-shutdown"));
    System.out.printf("coordinator %s listening on %s:%d for %d node(s)%s; audit log %s%s%n", version(),
        settings.host(), coordinator.port(), settings.nodes().size(), settings.nodeListen()
            .map(l -> "; outbound nodes dial " + l.host() + ":" + coordinator.nodePort()).orElse(""),
        settings.auditLog(), telemetry.note() + coordinator.webUrl().map(u -> "; web on " + u + "/").orElse(""));
    for (NodeStatus n : coordinator.federation().listNodes().getNodesList()) {
      System.out.printf("  node %-10s %-22s %s%n", n.getNodeId(), n.getLink().equals("outbound") ? "(dials in)"
          : n.getAddress(),
          n.getReachable() ? "reachable, " + n.getDatasetsCount() + " dataset(s)"
              : n.getLink().equals("outbound") ? "waiting for it to dial in" : "UNREACHABLE: " + n.getLastError());
    }
    System.out.flush();
    coordinator.awaitTermination();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line with its output going to {@code out} and {@code err}; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new CoordinatorMain());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fedstats-coordinator " + version()};
    }
  }

  /** The build's version, from the jar's manifest ("dev" when run from classes). */
  static String version() {
    return org.fedstats.common.Contract.version(CoordinatorMain.class);
  }
}
