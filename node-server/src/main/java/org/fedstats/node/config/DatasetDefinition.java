package org.fedstats.node.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.limits.QueryLimits;
import org.fedstats.node.noise.NoisePolicy;

/**
 * A dataset as the node serves it: where its records are, what may run on it (the ids of its allowed analyses),
 * under which disclosure policy, how many queries each researcher may make of it, and the noise its results get.
 */
public record DatasetDefinition(
    String name,
    String description,
    Source source,
    Set<String> analyses,
    DisclosurePolicy policy,
    DatasetSchema schema,
    QueryLimits limits,
    NoisePolicy noise) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");

  public DatasetDefinition {
    Objects.requireNonNull(name, "dataset name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("dataset name '" + name
          + "' must start with a letter and contain only letters, digits, '_' or '-' (at most 63)");
    }
    description = description == null ? "" : description;
    Objects.requireNonNull(source, "source of dataset " + name);
    analyses = Set.copyOf(analyses);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(noise, "noise");
  }

  /** A dataset without noise. */
  public DatasetDefinition(String name, String description, Source source, Set<String> analyses,
      DisclosurePolicy policy, DatasetSchema schema, QueryLimits limits) {
    this(name, description, source, analyses, policy, schema, limits, NoisePolicy.NONE);
  }

  /** Where a dataset's records come from. */
  public sealed interface Source permits Files, Table, JdbcSource {}

  /**
   * CSV or Parquet files (by extension); every file has the declared columns. CSV files are read as {@code csv}
   * says.
   */
  public record Files(List<Path> paths, CsvOptions csv) implements Source {
    public Files {
      paths = List.copyOf(paths);
      if (paths.isEmpty()) {
        throw new IllegalArgumentException("a file source needs at least one file");
      }
      Objects.requireNonNull(csv, "csv options");
    }

    public Files(List<Path> paths) {
      this(paths, CsvOptions.DEFAULT);
    }
  }

  /** A table in a DuckDB database file, attached read-only. */
  public record Table(Path database, String table) implements Source {
    public Table {
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(table, "table");
    }
  }
}
