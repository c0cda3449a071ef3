package org.fedstats.node.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A table or view of a PostgreSQL database, read where it is (nothing is copied): the node keeps a small pool of
 * connections as {@code user} ({@code poolSize} at most), read-only, with a statement timeout. The password comes from a file or an environment variable, never
 * from the configuration; this record holds only where it is. {@code rowId} names the column holding each record's
 * stable row id (unique whole numbers from 0 to 2^31 - 1), which the overlap audit and record keys rest on.
 *
 * @param table the schema-qualified name's parts ({@code [schema, name]} or {@code [name]}), as stored (quoted)
 */
public record JdbcSource(String url, List<String> table, String user, Password password, Duration statementTimeout,
    String rowId, int poolSize) implements DatasetDefinition.Source {
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);
  /** Open connections kept per dataset by default: as many as requests a small node runs on it at once. */
  public static final int DEFAULT_POOL_SIZE = 4;
  /** The most connections a dataset may keep open. */
  public static final int MAX_POOL_SIZE = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  public JdbcSource {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("jdbc.url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
    }
    if (url.toLowerCase(Locale.ROOT).contains("password")) {
      throw new IllegalArgumentException("jdbc.url must not hold a password: give password-file or password-env");
    }
    table = List.copyOf(table);
    if (table.isEmpty() || table.size() > 2 || !table.stream().allMatch(p -> NAME.matcher(p).matches())) {
      throw new IllegalArgumentException("jdbc.table is a table or view name, optionally schema.name, of letters, "
          + "digits and '_'");
    }
    Objects.requireNonNull(user, "jdbc.user");
    Objects.requireNonNull(password, "jdbc password");
    Objects.requireNonNull(statementTimeout, "statement timeout");
    if (statementTimeout.toMillis() < 1 || statementTimeout.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("jdbc.statement-timeout-ms must be from 1 to 86400000");
    }
    Objects.requireNonNull(rowId, "jdbc.row-id");
    if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
      throw new IllegalArgumentException("jdbc.pool-size must be from 1 to " + MAX_POOL_SIZE + ", not " + poolSize);
    }
  }

  /** With the default pool size. */
  public JdbcSource(String url, List<String> table, String user, Password password, Duration statementTimeout,
      String rowId) {
    this(url, table, user, password, statementTimeout, rowId, DEFAULT_POOL_SIZE);
  }

  /** The table as written in the configuration. */
  public String tableName() {
    return String.join(".", table);
  }

  /** Where the password is: a file (its first line) or an environment variable. */
  public sealed interface Password {
    /** Reads the password; the message of a failure says where it looked, never what it found. */
    String read() throws IOException;
  }

  public record PasswordFile(Path file) implements Password {
    public PasswordFile {
      Objects.requireNonNull(file, "password file");
    }

    @Override
    public String read() throws IOException {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      return (end < 0 ? text : text.substring(0, end)).stripTrailing();
    }
  }

  public record PasswordEnv(String variable) implements Password {
    public PasswordEnv {
      Objects.requireNonNull(variable, "password environment variable");
    }

    @Override
    public String read() throws IOException {
      String value = System.getenv(variable);
      if (value == null) {
        throw new IOException("the environment variable " + variable + " (jdbc.password-env) is not set");
      }
      return value;
    }
  }

  /** The {@code jdbc} section as written (kebab-case keys). */
  public record Config(String url, String table, String view, String user, String passwordFile,
      String passwordEnv, Long statementTimeoutMs, String rowId, Integer poolSize) {}

  /** Checks a dataset's {@code jdbc} section; a relative password file is taken from {@code base}. */
  static JdbcSource of(String dataset, Config c, Path base) {
    String where = "dataset " + dataset + " jdbc: ";
    if (c.url() == null || c.user() == null) {
      throw new IllegalArgumentException(where + "needs url and user");
    }
    if ((c.table() == null) == (c.view() == null)) {
      throw new IllegalArgumentException(where + "needs either table or view");
    }
    if ((c.passwordFile() == null) == (c.passwordEnv() == null)) {
      throw new IllegalArgumentException(where + "needs either password-file or password-env (the password is "
          + "never written in the configuration)");
    }
    if (c.rowId() == null) {
      throw new IllegalArgumentException(where + "needs row-id: a column of unique whole numbers (0 to 2^31 - 1) "
          + "that stay with each record (PostgreSQL's ctid changes when rows are updated or moved)");
    }
    Password password = c.passwordFile() != null ? new PasswordFile(base.resolve(c.passwordFile()))
        : new PasswordEnv(c.passwordEnv());
    String table = c.table() != null ? c.table() : c.view();
    try {
      return new JdbcSource(c.url(), Arrays.asList(table.split("\\.", -1)), c.user(), password,
          c.statementTimeoutMs() == null ? DEFAULT_STATEMENT_TIMEOUT : Duration.ofMillis(c.statementTimeoutMs()),
          c.rowId(), c.poolSize() == null ? DEFAULT_POOL_SIZE : c.poolSize());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
  }
}
