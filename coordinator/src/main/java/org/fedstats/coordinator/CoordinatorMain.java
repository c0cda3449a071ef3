package org.fedstats.coordinator;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.proto.v1.NodeStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts a coordinator from its YAML configuration. */
@Command(name = "fedstats-coordinator", mixinStandardHelpOptions = true,
    versionProvider = CoordinatorMain.VersionProvider.class,
    description = "Fans researchers' requests out to a fedstats federation's nodes and pools their answers.")
public final class CoordinatorMain implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, description = "The coordinator's YAML configuration file.")
  Path config;

  @Option(names = "--verbose", description = "Print stack traces of start-up problems.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    CoordinatorSettings settings;
    Coordinator coordinator;
    try {
      settings = CoordinatorSettings.load(config);
      coordinator = Coordinator.start(settings, new SimpleMeterRegistry());
    } catch (IOException e) {
      // One line that says what is wrong; the stack trace only on request.
      System.err.println("fedstats-coordinator: " + e.getMessage());
      if (verbose) {
        e.printStackTrace();
      }
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(coordinator::close, "coordinator-shutdown"));
    System.out.printf("coordinator %s listening on %s:%d for %d node(s)%n", version(), settings.host(),
        coordinator.port(), settings.nodes().size());
    for (NodeStatus n : coordinator.federation().listNodes().getNodesList()) {
      System.out.printf("  node %-10s %-22s %s%n", n.getNodeId(), n.getAddress(),
          n.getReachable() ? "reachable, " + n.getDatasetsCount() + " dataset(s)" : "UNREACHABLE: " + n.getLastError());
    }
    System.out.flush();
    coordinator.awaitTermination();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CoordinatorMain()).execute(args));
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
