package org.fedstats.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.fedstats.node.dataset.SqlDialect;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.fedstats.node.testing.PostgresSettings;
import org.fedstats.node.testing.SharedData;
import org.fedstats.node.testing.SharedData.Storage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL dataset at start (its declaration checked against the table, each problem named; the password kept
 * out of every message) and per request (a read-only connection with the statement timeout, from a pool). Skipped without a
 * PostgreSQL server (FEDSTATS_PG_URL).
 */
class JdbcDatasetTest {
  @TempDir
  Path tmp;

  @BeforeEach
  void requirePostgres() {
    PostgresSettings.require();
  }

  private String colon(String... replacements) {
    String yaml = SharedData.colonDataset(Storage.POSTGRES, 1, "count", "");
    for (int i = 0; i < replacements.length; i += 2) {
      assertThat(yaml).contains(replacements[i]);
      yaml = yaml.replace(replacements[i], replacements[i + 1]);
    }
    return yaml;
  }

  private DatasetStore open(String dataset) throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", dataset);
    return DatasetStore.open(settings.datasets());
  }

  @Test
  void connectionsAreReadOnlyWithTheStatementTimeout() throws Exception {
    try (DatasetStore store = open(colon("row-id: row_id}", "row-id: row_id, statement-timeout-ms: 300}"))) {
      assertThat(store.dialect("colon")).isEqualTo(SqlDialect.POSTGRESQL);
      assertThat(store.version("colon").rows()).isEqualTo(Files.lines(SharedData.dir().resolve("colon_site1.csv"))
          .count() - 1);
      try (Connection c = store.connection("colon"); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("on");
        }
        assertThatThrownBy(() -> s.execute("CREATE TEMP TABLE t (x int)")).isInstanceOf(SQLException.class)
            .hasMessageContaining("read-only transaction");
        assertThatThrownBy(() -> s.execute("SELECT pg_sleep(5)")).isInstanceOf(SQLException.class)
            .hasMessageContaining("statement timeout");
      }
    }
  }

  @Test
  void requestsShareAPoolOfAtMostPoolSizeConnections() throws Exception {
    try (DatasetStore store = open(colon("row-id: row_id}", "row-id: row_id, statement-timeout-ms: 300, "
        + "pool-size: 2}"))) {
      java.util.Set<Integer> backends = new java.util.HashSet<>();
      for (int i = 0; i < 10; i++) {
        try (Connection c = store.connection("colon")) {
          backends.add(backend(c));
        }
      }
      // One request after another: the same server process answers them, no new connection each time.
      assertThat(backends).hasSize(1);
      try (Connection first = store.connection("colon"); Connection second = store.connection("colon")) {
        assertThat(backend(first)).isNotEqualTo(backend(second));
        // Both taken: a third request waits (up to the statement timeout) and fails, rather than open a third.
        assertThatThrownBy(() -> store.connection("colon")).isInstanceOf(SQLException.class);
      }
      try (Connection again = store.connection("colon"); Statement s = again.createStatement();
          ResultSet rs = s.executeQuery("SHOW default_transaction_read_only")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("on");
      }
    }
  }

  private static int backend(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aDeclarationTheTableDoesNotFitStopsTheNodeNamingEachProblem() {
    assertThatThrownBy(() -> open(colon("{name: nodes, type: integer}", "{name: nodez, type: integer}",
        "{name: rx, type: categorical, levels: [Obs, Lev, Lev+5FU]}", "{name: rx, type: integer}")))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("has no column nodez (a declared variable); did you mean 'nodes'?")
        .hasMessageContaining("column rx is text, and rx is declared integer");
    assertThatThrownBy(() -> open(colon("levels: [Obs, Lev, Lev+5FU]", "levels: [Obs, Lev]")))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("column rx: 'Lev+5FU' is not a declared level of rx");
    assertThatThrownBy(() -> open(colon("row-id: row_id", "row-id: age"))).isInstanceOf(StartupException.class)
        .hasMessageContaining("the row-id column age must hold a different whole number");
    assertThatThrownBy(() -> open(colon("row-id: row_id", "row-id: rowid"))).isInstanceOf(StartupException.class)
        .hasMessageContaining("has no column rowid (jdbc.row-id)");
    assertThatThrownBy(() -> open(colon("table: colon_site1", "table: colon_site9")))
        .isInstanceOf(StartupException.class).hasMessageContaining("colon_site9");
  }

  @Test
  void passwordsComeFromAFileOrTheEnvironmentAndAreNeverShown() throws Exception {
    Path wrong = tmp.resolve("pw");
    Files.writeString(wrong, "not-the-password-4711\n");
    assertThatThrownBy(() -> open(colon("password-env: " + PostgresSettings.PASSWORD_ENV, "password-file: " + wrong)))
        .isInstanceOf(StartupException.class).hasMessageContaining("password authentication failed")
        .message().doesNotContain("4711");
    assertThatThrownBy(() -> open(colon("password-env: " + PostgresSettings.PASSWORD_ENV,
        "password-env: FEDSTATS_NO_SUCH_VARIABLE"))).isInstanceOf(StartupException.class)
        .hasMessageContaining("the environment variable FEDSTATS_NO_SUCH_VARIABLE (jdbc.password-env) is not set");
    Path right = tmp.resolve("right");
    Files.writeString(right, System.getenv(PostgresSettings.PASSWORD_ENV) + "\n");
    try (DatasetStore store = open(colon("password-env: " + PostgresSettings.PASSWORD_ENV, "password-file: "
        + right))) {
      assertThat(store.version("colon").rows()).isPositive();
    }
    assertThatThrownBy(() -> open(colon("password-env: " + PostgresSettings.PASSWORD_ENV, "password: secret")))
        .hasMessageContaining("unknown key 'password'").message().doesNotContain("secret");
  }
}
