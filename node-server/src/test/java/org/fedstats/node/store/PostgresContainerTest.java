package org.fedstats.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The PostgreSQL dataset in a throw-away PostgreSQL container, for machines with a Docker engine but no server set
 * up by deploy/postgres/start-test-server.sh: the demo tables loaded by the same SQL, read by the node as the
 * read-only role. Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class PostgresContainerTest {
  @Container
  private static final PostgreSQLContainer<?> POSTGRES = new PostgreSQLContainer<>("postgres:16-alpine");

  @TempDir
  Path tmp;

  @Test
  void aNodeReadsTheDemoTablesAsTheReadOnlyRole() throws Exception {
    Path sql = SharedData.dir().resolveSibling("..").resolve("postgres/demo-tables.sql").normalize();
    try (Connection c = DriverManager.getConnection(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(),
        POSTGRES.getPassword()); Statement s = c.createStatement()) {
      s.execute(Files.readString(sql));
      try (Reader csv = Files.newBufferedReader(SharedData.dir().resolve("colon_site1.csv"))) {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY colon_site1 (id, rx, sex, age, obstruct, perfor, "
            + "adhere, nodes, differ, extent, surg, node4, \"time\", status) FROM STDIN WITH (FORMAT csv, HEADER)",
            csv);
      }
      s.execute("ALTER ROLE fedstats_node PASSWORD 'container-only'");
    }
    Path password = tmp.resolve("pw");
    Files.writeString(password, "container-only\n");
    String dataset = SharedData.colonDataset(1, "count", "").replaceFirst("files: \\[[^]]*]",
        "jdbc: {url: '" + POSTGRES.getJdbcUrl() + "', table: colon_site1, user: fedstats_node, password-file: "
            + password + ", row-id: row_id}");
    NodeSettings settings = SharedData.node(tmp, "site1", dataset);
    try (DatasetStore store = DatasetStore.open(settings.datasets());
        Connection c = store.connection("colon");
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + store.relation("colon")
            + " WHERE \"age\" >= ?")) {
      ps.setLong(1, 60);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long expected = Files.readAllLines(SharedData.dir().resolve("colon_site1.csv")).stream().skip(1)
            .filter(l -> Integer.parseInt(l.split(",")[3]) >= 60).count();
        assertThat(rs.getLong(1)).isEqualTo(expected);
      }
      assertThat(store.version("colon").rows())
          .isEqualTo(Files.readAllLines(SharedData.dir().resolve("colon_site1.csv")).size() - 1);
    }
  }
}
