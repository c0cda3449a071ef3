package org.fedstats.node.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.common.grpc.ServerLimits;
import org.fedstats.node.access.AccessSettings;
import org.fedstats.common.ops.Operations;
import org.fedstats.pki.tls.TlsFiles;

/**
 * A node's validated configuration.
 *
 * @param stateDir the folder of what the node remembers across restarts: the record sets it has released
 * @param maxRoundsPerSession how many rounds of one multi-round analysis (one coordinator session) the node answers
 * @param tls the node's mutual-TLS files; empty: plaintext
 * @param noiseSecretFile the secret behind cell keys; null for {@code noise-secret} in the state folder, created on
 *     first start when a dataset uses cell-key noise
 * @param coordinator present for an outbound node, which dials its coordinator and listens on no port ({@code host}
 *     and {@code port} are then unused); empty for an inbound node, which listens at {@code host:port}
 * @param access whom the node answers: identity statements required or not, and the study approvals
 * @param operations the metrics port (none by default: an outbound node then has no listening socket at all) and
 *     the shutdown grace
 */
public record NodeSettings(String nodeId, String host, int port, Path auditLog, Path stateDir, ServerLimits server,
    int maxRoundsPerSession, List<DatasetDefinition> datasets, Optional<TlsFiles> tls, Path noiseSecretFile,
    Optional<OutboundLink> coordinator, AccessSettings access, Operations operations) {
  /** Rounds of one session a node answers unless configured otherwise: R's glm needs at most 25, plus the null model. */
  public static final int DEFAULT_MAX_ROUNDS_PER_SESSION = 30;

  public NodeSettings {
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException("node-id is required");
    }
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, not " + port);
    }
    Objects.requireNonNull(auditLog, "audit-log is required");
    Objects.requireNonNull(stateDir, "state-dir is required");
    Objects.requireNonNull(server, "server limits");
    if (maxRoundsPerSession < 1) {
      throw new IllegalArgumentException("max-rounds-per-session must be at least 1, not " + maxRoundsPerSession);
    }
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(coordinator, "coordinator");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(operations, "operations");
    datasets = List.copyOf(datasets);
    var names = new HashSet<String>();
    for (DatasetDefinition d : datasets) {
      if (!names.add(d.name())) {
        throw new IllegalArgumentException("dataset " + d.name() + " is declared twice");
      }
    }
  }

  /** With the default operations (no metrics port). */
  public NodeSettings(String nodeId, String host, int port, Path auditLog, Path stateDir, ServerLimits server,
      int maxRoundsPerSession, List<DatasetDefinition> datasets, Optional<TlsFiles> tls, Path noiseSecretFile,
      Optional<OutboundLink> coordinator, AccessSettings access) {
    this(nodeId, host, port, auditLog, stateDir, server, maxRoundsPerSession, datasets, tls, noiseSecretFile,
        coordinator, access, Operations.DEFAULT);
  }

  /** With the default operations (no metrics port), answering as {@link AccessSettings#DEFAULT} says. */
  public NodeSettings(String nodeId, String host, int port, Path auditLog, Path stateDir, ServerLimits server,
      int maxRoundsPerSession, List<DatasetDefinition> datasets, Optional<TlsFiles> tls, Path noiseSecretFile,
      Optional<OutboundLink> coordinator) {
    this(nodeId, host, port, auditLog, stateDir, server, maxRoundsPerSession, datasets, tls, noiseSecretFile,
        coordinator, AccessSettings.DEFAULT);
  }

  /** Inbound settings (listening at {@code host:port}) that answer as {@link AccessSettings#DEFAULT} says. */
  public NodeSettings(String nodeId, String host, int port, Path auditLog, Path stateDir, ServerLimits server,
      int maxRoundsPerSession, List<DatasetDefinition> datasets, Optional<TlsFiles> tls, Path noiseSecretFile) {
    this(nodeId, host, port, auditLog, stateDir, server, maxRoundsPerSession, datasets, tls, noiseSecretFile,
        Optional.empty(), AccessSettings.DEFAULT);
  }

  /** Plaintext settings whose cell-key secret, if one is needed, is kept in the state folder. */
  public NodeSettings(String nodeId, String host, int port, Path auditLog, Path stateDir, ServerLimits server,
      int maxRoundsPerSession, List<DatasetDefinition> datasets) {
    this(nodeId, host, port, auditLog, stateDir, server, maxRoundsPerSession, datasets, Optional.empty(), null);
  }

  /** Settings whose node state lies in the default folder beside the audit log. */
  public NodeSettings(String nodeId, String host, int port, Path auditLog, ServerLimits server,
      int maxRoundsPerSession, List<DatasetDefinition> datasets) {
    this(nodeId, host, port, auditLog, defaultStateDir(auditLog), server, maxRoundsPerSession, datasets);
  }

  /** The state folder unless configured: beside the audit log, named after it ({@code audit.jsonl}: {@code audit.state}). */
  public static Path defaultStateDir(Path auditLog) {
    String name = auditLog.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return auditLog.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".state");
  }

  public Optional<DatasetDefinition> dataset(String name) {
    return datasets.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /** The same settings listening elsewhere (the node's --port option). */
  public NodeSettings withListen(String newHost, int newPort) {
    return new NodeSettings(nodeId, newHost, newPort, auditLog, stateDir, server, maxRoundsPerSession, datasets, tls,
        noiseSecretFile, coordinator, access, operations);
  }

  /** The same settings with other connection limits. */
  public NodeSettings withServer(ServerLimits limits) {
    return new NodeSettings(nodeId, host, port, auditLog, stateDir, limits, maxRoundsPerSession, datasets, tls,
        noiseSecretFile, coordinator, access, operations);
  }

  /** The same settings serving over mutual TLS with {@code files}, or plaintext if empty. */
  public NodeSettings withTls(Optional<TlsFiles> files) {
    return new NodeSettings(nodeId, host, port, auditLog, stateDir, server, maxRoundsPerSession, datasets, files,
        noiseSecretFile, coordinator, access, operations);
  }

  /** The same settings with other operations (metrics port, shutdown grace). */
  public NodeSettings withOperations(Operations newOperations) {
    return new NodeSettings(nodeId, host, port, auditLog, stateDir, server, maxRoundsPerSession, datasets, tls,
        noiseSecretFile, coordinator, access, newOperations);
  }

  /** The same settings as an outbound node dialling {@code link}, or an inbound one if empty. */
  public NodeSettings withCoordinator(Optional<OutboundLink> link) {
    return new NodeSettings(nodeId, host, port, auditLog, stateDir, server, maxRoundsPerSession, datasets, tls,
        noiseSecretFile, link, access, operations);
  }

  /** The same settings answering whom {@code newAccess} says. */
  public NodeSettings withAccess(AccessSettings newAccess) {
    return new NodeSettings(nodeId, host, port, auditLog, stateDir, server, maxRoundsPerSession, datasets, tls,
        noiseSecretFile, coordinator, newAccess, operations);
  }
}
