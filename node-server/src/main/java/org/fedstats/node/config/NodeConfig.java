package org.fedstats.node.config;

import java.util.List;
import org.fedstats.common.grpc.ServerLimits;
import org.fedstats.node.access.AccessSettings;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.limits.QueryLimits;
import org.fedstats.pki.tls.TlsConfig;
import org.fedstats.node.noise.NoisePolicy;

/** A node's configuration file, as written (kebab-case YAML keys). Checked by {@link NodeConfigLoader}. */
public record NodeConfig(
    String nodeId,
    String listen,
    String auditLog,
    String stateDir,
    ServerLimits.Config server,
    Integer maxRoundsPerSession,
    DisclosurePolicy.Overrides disclosure,
    QueryLimits.Config limits,
    String noiseSecretFile,
    List<DatasetConfig> datasets,
    TlsConfig tls,
    Boolean insecure,
    OutboundLink.Config coordinator,
    AccessSettings.IdentityConfig identity,
    String approvals,
    String metricsListen,
    Long shutdownGraceMs) {

  /** Without the identity, approval and operations keys. */
  public NodeConfig(String nodeId, String listen, String auditLog, String stateDir, ServerLimits.Config server,
      Integer maxRoundsPerSession, DisclosurePolicy.Overrides disclosure, QueryLimits.Config limits,
      String noiseSecretFile, List<DatasetConfig> datasets, TlsConfig tls, Boolean insecure,
      OutboundLink.Config coordinator) {
    this(nodeId, listen, auditLog, stateDir, server, maxRoundsPerSession, disclosure, limits, noiseSecretFile,
        datasets, tls, insecure, coordinator, null, null, null, null);
  }

  /**
   * One dataset: CSV or Parquet files, a table of an embedded database file, or a table or view of a PostgreSQL
   * database ({@code jdbc}), with declared variables.
   */
  public record DatasetConfig(
      String name,
      String description,
      List<String> files,
      String database,
      String table,
      CsvConfig csv,
      List<String> analyses,
      DisclosurePolicy.Overrides disclosure,
      QueryLimits.Config limits,
      List<VariableConfig> variables,
      NoisePolicy.Config noise,
      JdbcSource.Config jdbc) {}

  /** How CSV files are written; unset keys keep {@link CsvOptions#DEFAULT}. */
  public record CsvConfig(List<String> missing, String delimiter, Boolean header, String dateFormat) {}

  public record VariableConfig(String name, String type, String description, List<String> levels) {}
}
