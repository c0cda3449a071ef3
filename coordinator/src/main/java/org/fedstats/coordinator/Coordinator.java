package org.fedstats.coordinator;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.federation.NodeClient;
import org.fedstats.coordinator.service.FederationGrpcService;
import org.fedstats.coordinator.service.RequesterInterceptor;

/** A running coordinator: its node connections, periodic health checks and the researcher-facing gRPC server. */
public final class Coordinator implements AutoCloseable {
  /** gRPC's hard limit on a researcher's message; {@link Federation#MAX_REQUEST_BYTES} is the checked one. */
  public static final int MAX_INBOUND_BYTES = 1024 * 1024;

  private final Federation federation;
  private final Server server;
  private final ScheduledExecutorService health;

  private Coordinator(Federation federation, Server server, ScheduledExecutorService health) {
    this.federation = federation;
    this.server = server;
    this.health = health;
  }

  /** Starts over Netty, connecting to each node over plaintext gRPC at its configured address. */
  public static Coordinator start(CoordinatorSettings settings, MeterRegistry meters) throws IOException {
    return start(settings, meters, address -> NettyChannelBuilder.forTarget(address).usePlaintext().build());
  }

  /** Starts with node channels made by {@code channels} (tests use in-process channels). */
  public static Coordinator start(CoordinatorSettings settings, MeterRegistry meters,
      Function<String, ManagedChannel> channels) throws IOException {
    List<NodeClient> clients = new ArrayList<>();
    settings.nodes().forEach(n -> clients.add(new NodeClient(n.id(), n.address(), channels.apply(n.address()),
        meters)));
    Federation federation = new Federation(clients, settings.nodeDeadline());
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .addService(ServerInterceptors.intercept(new FederationGrpcService(federation), new RequesterInterceptor()))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      federation.close();
      throw new IOException("coordinator cannot listen on " + settings.host() + ":" + settings.port() + ": "
          + e.getMessage(), e);
    }
    // Learn what the nodes hold before the first request, then keep watching them.
    federation.refresh().join();
    ScheduledExecutorService health = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "node-health");
      t.setDaemon(true);
      return t;
    });
    long interval = settings.healthInterval().toMillis();
    health.scheduleWithFixedDelay(() -> federation.refresh().join(), interval, interval, TimeUnit.MILLISECONDS);
    return new Coordinator(federation, server, health);
  }

  public int port() {
    return server.getPort();
  }

  public Federation federation() {
    return federation;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws InterruptedException {
    health.shutdownNow();
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
    federation.close();
  }
}
