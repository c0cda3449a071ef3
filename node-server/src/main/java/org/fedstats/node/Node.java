package org.fedstats.node;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fedstats.node.access.RequestAccess;
import org.fedstats.node.gate.AnalysisEngine;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.fedstats.node.limits.QueryBudget;
import org.fedstats.node.noise.NodeNoise;
import org.fedstats.node.noise.NoisePolicy;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.common.grpc.ParseGuard;
import org.fedstats.node.service.NodeGrpcService;
import org.fedstats.node.service.PeerInterceptor;
import org.fedstats.pki.tls.PeerIdentityInterceptor;

/**
 * A node's parts, wired: its database, engine, audit log, the gate every request passes, and the gRPC service in
 * front of it. Transport is chosen by the caller.
 */
public final class Node implements AutoCloseable {
  private final DatasetStore store;
  private final AuditLog audit;
  private final OverlapAuditor auditor;
  private final NodeNoise noise;
  private final NodeGate gate;
  private final QueryBudget budget;
  private final NodeGrpcService service;

  private Node(DatasetStore store, AuditLog audit, OverlapAuditor auditor, NodeNoise noise, QueryBudget budget,
      NodeGate gate) {
    this.store = store;
    this.audit = audit;
    this.auditor = auditor;
    this.noise = noise;
    this.gate = gate;
    this.budget = budget;
    this.service = new NodeGrpcService(gate);
  }

  /**
   * Loads the datasets, opens the audit log and the record sets released before; what stops the node is a
   * {@link StartupException}.
   */
  public static Node create(NodeSettings settings, MeterRegistry meters) throws StartupException, SQLException {
    DatasetStore store = DatasetStore.open(settings.datasets());
    OverlapAuditor auditor;
    try {
      auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version);
    } catch (IOException e) {
      store.close();
      throw new StartupException("node " + settings.nodeId() + " cannot open its state in " + settings.stateDir()
          + ": " + e.getMessage(), e);
    }
    AuditLog audit;
    try {
      audit = AuditLog.open(settings.auditLog());
    } catch (IOException e) {
      try {
        auditor.close();
      } catch (IOException ignored) {
        // The failure to report is the audit log's.
      }
      store.close();
      throw new StartupException("node " + settings.nodeId() + " cannot open its audit log " + settings.auditLog()
          + ": " + e.getMessage(), e);
    }
    NodeNoise noise;
    try {
      Map<String, NoisePolicy> policies = new HashMap<>();
      settings.datasets().forEach(d -> policies.put(d.name(), d.noise()));
      noise = NodeNoise.open(settings.stateDir(), settings.noiseSecretFile(), policies);
    } catch (IOException | RuntimeException e) {
      try (store; auditor; audit) {
        // closed in reverse order
      } catch (Exception ignored) {
        // the failure to report is the noise state's
      }
      throw new StartupException("node " + settings.nodeId() + " cannot open its noise state in "
          + settings.stateDir() + ": " + e.getMessage(), e);
    }
    QueryBudget budget;
    try {
      budget = QueryBudget.open(settings.stateDir(), Clock.systemUTC());
    } catch (IOException | RuntimeException e) {
      try (store; auditor; audit; noise) {
        // closed in reverse order
      } catch (Exception ignored) {
        // the failure to report is the query budgets'
      }
      throw new StartupException("node " + settings.nodeId() + " cannot open its query budgets in "
          + settings.stateDir() + ": " + e.getMessage(), e);
    }
    RequestAccess access;
    try {
      access = RequestAccess.open(settings.nodeId(), settings.tls(), settings.access(), Clock.systemUTC());
    } catch (IOException | RuntimeException e) {
      try (store; auditor; audit; noise; budget) {
        // closed in reverse order
      } catch (Exception ignored) {
        // the failure to report is the access configuration's
      }
      throw new StartupException("node " + settings.nodeId() + " cannot set up whom it answers: " + e.getMessage(),
          e);
    }
    AnalysisEngine engine = new AnalysisEngine(settings, store, noise);
    return new Node(store, audit, auditor, noise, budget, new NodeGate(settings, engine, audit, auditor, meters,
        budget, access));
  }

  /** What the node says about its noise state at start (e.g. that it created its cell-key secret). */
  public Optional<String> noiseNote() {
    return noise.note();
  }

  /** The gate every transport hands its requests to. */
  public NodeGate gate() {
    return gate;
  }

  /**
   * The bounded pool a transport runs requests on: a flood of requests queues instead of opening unbounded database
   * connections.
   */
  public static ExecutorService workers(String nodeId) {
    return Executors.newFixedThreadPool(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), r -> {
      Thread t = new Thread(r, "node-" + nodeId + "-worker");
      t.setDaemon(true);
      return t;
    });
  }

  public BindableService service() {
    return service;
  }

  /**
   * The service as a transport serves it: requests that are not readable messages are answered INVALID_ARGUMENT
   * with a message (instead of gRPC's UNKNOWN), and the caller's address is available for the audit log.
   */
  public ServerServiceDefinition serviceDefinition() {
    return ServerInterceptors.intercept(ParseGuard.guard(service.bindService()), new PeerInterceptor());
  }

  /** {@link #serviceDefinition()} behind {@code identities}: only callers it lets through reach the service. */
  public ServerServiceDefinition serviceDefinition(PeerIdentityInterceptor identities) {
    // The last interceptor runs first: the identity is in the context when PeerInterceptor names the caller.
    return ServerInterceptors.intercept(ParseGuard.guard(service.bindService()), new PeerInterceptor(), identities);
  }

  @Override
  public void close() throws IOException, SQLException {
    try {
      audit.close();
    } finally {
      try {
        try {
          budget.close();
        } finally {
          noise.close();
        }
      } finally {
        try {
          auditor.close();
        } finally {
          store.close();
        }
      }
    }
  }
}
