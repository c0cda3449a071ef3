package org.fedstats.node.store;


import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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
    }
  }
}
