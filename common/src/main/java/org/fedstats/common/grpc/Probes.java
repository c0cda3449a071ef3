package org.fedstats.common.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What every gRPC port of fedstats serves beside its own service, so that {@code grpcurl} and Kubernetes probes
 * work: the standard health service ({@code grpc.health.v1.Health}, SERVING while the port takes calls,
 * NOT_SERVING once it stops) and server reflection ({@code grpc.reflection.v1.ServerReflection}). Under mutual TLS
 * both answer only the callers the port's own service answers.
 */
public final class Probes {
  private final HealthStatusManager health = new HealthStatusManager();

  /** Adds health and reflection to {@code server}, behind {@code callers} when given. */
  public void addTo(ServerBuilder<?> server, Optional<? extends ServerInterceptor> callers) {
    server.addService(guarded(health.getHealthService(), callers));
    server.addService(guarded(ProtoReflectionServiceV1.newInstance(), callers));
  }

  private static ServerServiceDefinition guarded(BindableService service,
      Optional<? extends ServerInterceptor> callers) {
    return callers.<ServerServiceDefinition>map(c -> ServerInterceptors.intercept(service, c))
        .orElseGet(service::bindService);
  }

  /** Health says NOT_SERVING from now on (the process is stopping). */
  public void stopping() {
    health.enterTerminalState();
  }

  /**
   * Stops {@code server} taking calls (new ones are refused UNAVAILABLE), waits up to {@code grace} for those in
   * flight to finish, then cancels what is left. Returns whether all finished in time.
   */
  public static boolean drain(Server server, Duration grace) {
    server.shutdown();
    try {
      if (server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.shutdownNow();
    return false;
  }
}
