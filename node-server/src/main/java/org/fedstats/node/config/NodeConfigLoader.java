package org.fedstats.node.config;

import org.fedstats.common.grpc.ServerLimits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.fedstats.common.HostPort;
import org.fedstats.node.access.AccessSettings;
import org.fedstats.common.ops.Operations;
import org.fedstats.common.config.Yaml;
import org.fedstats.node.analysis.registry.LocalAnalyses;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.limits.QueryLimits;
import org.fedstats.pki.tls.TlsConfig;
import org.fedstats.node.noise.NoisePolicy;

/** Reads a node's YAML configuration and checks it; relative paths are taken from the file's folder. */
public final class NodeConfigLoader {
  private NodeConfigLoader() {}

  /** Reads and checks a configuration file; each problem is one line of the {@link StartupException}. */
  public static NodeSettings load(Path file) throws StartupException {
    NodeConfig config;
    try {
      config = Yaml.read(file, NodeConfig.class, "node configuration");
    } catch (IOException e) {
      throw new StartupException(e.getMessage(), e);
    }
    try {
      return resolve(config, file.toAbsolutePath().getParent());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StartupException("invalid node configuration " + file + ": " + e.getMessage(), e);
    }
  }



  static NodeSettings resolve(NodeConfig config, Path base) {
    if (config.listen() != null && config.coordinator() != null) {
      throw new IllegalArgumentException("give either coordinator (the node dials out; no listening port) or listen "
          + "(the coordinator dials in), not both");
    }
    HostPort listen = HostPort.parse(config.listen() == null ? "127.0.0.1:50051" : config.listen(), "listen");
    DisclosurePolicy nodePolicy = DisclosurePolicy.DEFAULT.with(config.disclosure());
    QueryLimits nodeLimits = QueryLimits.NONE.with(config.limits());
    List<DatasetDefinition> datasets = new ArrayList<>();
    for (NodeConfig.DatasetConfig d : config.datasets() == null ? List.<NodeConfig.DatasetConfig>of()
        : config.datasets()) {
      datasets.add(dataset(d, base, nodePolicy, nodeLimits));
    }
    String audit = config.auditLog() == null ? "audit.jsonl" : config.auditLog();
    Path auditLog = base.resolve(audit);
    return new NodeSettings(config.nodeId(), listen.host(), listen.port(), auditLog,
        config.stateDir() == null ? NodeSettings.defaultStateDir(auditLog) : base.resolve(config.stateDir()),
        ServerLimits.DEFAULT.with(config.server()), config.maxRoundsPerSession() == null
            ? NodeSettings.DEFAULT_MAX_ROUNDS_PER_SESSION : config.maxRoundsPerSession(), datasets,
        TlsConfig.choose(config.tls(), config.insecure(), base),
        config.noiseSecretFile() == null ? null : base.resolve(config.noiseSecretFile()),
        java.util.Optional.ofNullable(config.coordinator()).map(OutboundLink.Config::resolve),
        AccessSettings.of(config.identity(), config.approvals(), base),
        Operations.of(config.metricsListen(), config.shutdownGraceMs()));
  }

  private static DatasetDefinition dataset(NodeConfig.DatasetConfig d, Path base, DisclosurePolicy nodePolicy,
      QueryLimits nodeLimits) {
    if (d.name() == null) {
      throw new IllegalArgumentException("every dataset needs a name");
    }
    DatasetDefinition.Source source;
    boolean hasFiles = d.files() != null && !d.files().isEmpty();
    if ((hasFiles ? 1 : 0) + (d.table() != null ? 1 : 0) + (d.jdbc() != null ? 1 : 0) != 1) {
      throw new IllegalArgumentException("dataset " + d.name() + " needs exactly one of files, a database table "
          + "or jdbc (a table or view of a PostgreSQL database)");
    }
    if (d.jdbc() != null) {
      if (d.csv() != null || d.database() != null) {
        throw new IllegalArgumentException("dataset " + d.name() + ": csv options and database apply only to files "
            + "and DuckDB tables, not jdbc");
      }
      source = JdbcSource.of(d.name(), d.jdbc(), base);
    } else if (hasFiles) {
      source = new DatasetDefinition.Files(d.files().stream().map(base::resolve).toList(),
          CsvOptions.DEFAULT.with(d.csv()));
    } else {
      if (d.csv() != null) {
        throw new IllegalArgumentException("dataset " + d.name() + ": csv options apply only to CSV files");
      }
      if (d.database() == null) {
        throw new IllegalArgumentException("dataset " + d.name() + " names a table but no database file");
      }
      source = new DatasetDefinition.Table(base.resolve(d.database()), d.table());
    }
    // The allow-list: without one, a dataset answers counts only.
    Set<String> analyses = new TreeSet<>(Set.of("count"));
    if (d.analyses() != null) {
      analyses.clear();
      for (String a : d.analyses()) {
        analyses.add(LocalAnalyses.byId(a).id());
      }
    }
    if (d.variables() == null || d.variables().isEmpty()) {
      throw new IllegalArgumentException("dataset " + d.name() + " declares no variables");
    }
    List<Variable> variables = d.variables().stream()
        .map(v -> new Variable(v.name(), v.type() == null ? null : VariableType.parse(v.type()),
            v.description(), v.levels()))
        .toList();
    DatasetSchema schema = new DatasetSchema(d.name(), variables);
    NoisePolicy noise;
    try {
      noise = NoisePolicy.of(d.noise(), name -> variables.stream()
          .anyMatch(v -> v.name().equals(name) && !v.isIdentifier() && v.type().isNumeric()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dataset " + d.name() + " noise: " + e.getMessage(), e);
    }
    DisclosurePolicy policy;
    try {
      policy = nodePolicy.with(d.disclosure());
      // Review names analyses by their allow-list ids: a mistyped one would silently review nothing.
      policy.review().analyses().forEach(LocalAnalyses::byId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dataset " + d.name() + " disclosure: " + e.getMessage(), e);
    }
    return new DatasetDefinition(d.name(), d.description(), source, analyses, policy,
        schema, nodeLimits.with(d.limits()), noise);
  }
}
