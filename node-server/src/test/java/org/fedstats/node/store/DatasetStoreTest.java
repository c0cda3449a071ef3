package org.fedstats.node.store;


import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datasets from Parquet files and from a table of a DuckDB database file, beside CSV. */
class DatasetStoreTest {
  @TempDir
  Path tmp;

  private static long[] countAndAgeSum(DatasetStore store, String dataset) throws Exception {
    try (Connection c = store.connection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(\"age\") FROM " + DatasetStore.tableName(dataset))) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  @Test
  void parquetFilesAndDatabaseTablesLoadLikeCsv() throws Exception {
    Path csv = SharedData.dir().resolve("colon_site2.csv");
    Path parquet = tmp.resolve("colon.parquet");
    Path database = tmp.resolve("registry.duckdb");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE patients AS SELECT * FROM read_csv('" + csv + "')");
      s.execute("COPY patients TO '" + parquet + "' (FORMAT parquet)");
    }
    assertThat(Files.size(parquet)).isPositive();
    String variables = """
            variables:
              - {name: rx, type: categorical, levels: [Obs, Lev, Lev+5FU]}
              - {name: age, type: integer}
        """;
    NodeSettings settings = SharedData.node(tmp, "formats",
        "  - name: from_csv\n    files: [\"" + csv + "\"]\n" + variables,
        "  - name: from_parquet\n    files: [\"" + parquet + "\"]\n" + variables,
        "  - name: from_table\n    database: registry.duckdb\n    table: patients\n" + variables);
    try (DatasetStore store = DatasetStore.open(settings.datasets())) {
      long[] expected = countAndAgeSum(store, "from_csv");
      assertThat(expected[0]).isEqualTo(310);
      assertThat(countAndAgeSum(store, "from_parquet")).containsExactly(expected);
      assertThat(countAndAgeSum(store, "from_table")).containsExactly(expected);
      // The data version is the loaded content's, whatever the source's format.
      assertThat(store.version("from_csv").rows()).isEqualTo(310);
      assertThat(store.version("from_parquet")).isEqualTo(store.version("from_csv"));
      assertThat(store.version("from_table")).isEqualTo(store.version("from_csv"));
    }
  }

  @Test
  void rowIdsFollowTheSourcesOrderAndStayWhileTheDataDoes() throws Exception {
    Path site1 = SharedData.dir().resolve("colon_site1.csv");
    Path site2 = SharedData.dir().resolve("colon_site2.csv");
    String dataset = "  - name: colon\n    files: [\"" + site1 + "\", \"" + site2 + "\"]\n"
        + "    variables:\n      - {name: id, type: integer}\n      - {name: age, type: integer}\n";
    List<Long> ids = new ArrayList<>();
    for (Path file : List.of(site1, site2)) {
      Files.readAllLines(file).stream().skip(1).map(l -> Long.parseLong(l.substring(0, l.indexOf(','))))
          .forEach(ids::add);
    }
    NodeSettings settings = SharedData.node(tmp, "rows", dataset);
    DataVersion first;
    try (DatasetStore store = DatasetStore.open(settings.datasets())) {
      assertThat(idsByRowid(store)).isEqualTo(ids);
      first = store.version("colon");
    }
    try (DatasetStore store = DatasetStore.open(settings.datasets())) {
      assertThat(idsByRowid(store)).isEqualTo(ids);
      assertThat(store.version("colon")).isEqualTo(first);
    }
    // Other data (the files the other way round): another version.
    NodeSettings swapped = SharedData.node(tmp, "rows", dataset.replace(site1.toString(), "@")
        .replace(site2.toString(), site1.toString()).replace("@", site2.toString()));
    try (DatasetStore store = DatasetStore.open(swapped.datasets())) {
      assertThat(store.version("colon").digest()).isNotEqualTo(first.digest());
      assertThat(store.version("colon").rows()).isEqualTo(first.rows());
    }
  }

  private static List<Long> idsByRowid(DatasetStore store) throws Exception {
    List<Long> ids = new ArrayList<>();
    try (Connection c = store.connection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT rowid, \"id\" FROM " + DatasetStore.tableName("colon")
            + " ORDER BY rowid")) {
      while (rs.next()) {
        assertThat(rs.getLong(1)).isEqualTo(ids.size());
        ids.add(rs.getLong(2));
      }
    }
    return ids;
  }
}
