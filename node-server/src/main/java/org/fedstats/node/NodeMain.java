package org.fedstats.node;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.service.NodeGrpcService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts a node from its YAML configuration. */
@Command(name = "fedstats-node", mixinStandardHelpOptions = true, versionProvider = NodeMain.VersionProvider.class,
    description = "Serves a data holder's datasets to a fedstats federation: approved aggregate analyses only, "
        + "disclosure-checked, audited.")
public final class NodeMain implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, description = "The node's YAML configuration file.")
  Path config;

  @Option(names = "--port", description = "Listen on this port instead of the configured one (0: any free port).")
  Integer port;

  @Override
  public Integer call() throws Exception {
    NodeSettings settings = NodeConfigLoader.load(config);
    if (port != null) {
      settings = settings.withListen(settings.host(), port);
    }
    NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("node shutdown: " + e.getMessage());
      }
    }, "node-shutdown"));
    System.out.printf("node %s %s listening on %s:%d with %d dataset(s); audit log %s%n", settings.nodeId(),
        NodeGrpcService.version(), settings.host(), server.port(), settings.datasets().size(), settings.auditLog());
    System.out.flush();
    server.awaitTermination();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new NodeMain()).execute(args));
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"fedstats-node " + NodeGrpcService.version()};
    }
  }
}
