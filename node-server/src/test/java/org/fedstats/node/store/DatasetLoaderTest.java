package org.fedstats.node.store;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hospital files as they come: R's NA, other delimiters and date formats; every problem one line with its place. */
class DatasetLoaderTest {
  @TempDir
  Path tmp;

  private static final String VARIABLES = """
          variables:
            - {name: id, type: integer}
            - {name: age, type: integer}
            - {name: rx, type: categorical, levels: [Obs, Lev]}
            - {name: visit, type: date}
      """;

  private Path csv(String name, String content) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private NodeSettings settings(String datasets) throws Exception {
    Path config = tmp.resolve("node.yaml");
    Files.writeString(config, "node-id: site1\nlisten: 127.0.0.1:0\ninsecure: true\ndatasets:\n" + datasets);
    return NodeConfigLoader.load(config);
  }

  private static String dataset(String name, Path file, String extra) {
    return "  - name: " + name + "\n    files: [\"" + file + "\"]\n" + extra + VARIABLES;
  }

  private List<String> problems(String datasets) throws Exception {
    NodeSettings settings = settings(datasets);
    Throwable thrown = catchThrowable(() -> DatasetStore.open(settings.datasets()).close());
    assertThat(thrown).as("the store should not open").isInstanceOf(StartupException.class);
    StartupException e = (StartupException) thrown;
    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    return e.problems();
  }

  private static List<List<Object>> rows(DatasetStore store, String sql) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = store.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getObject(i) == null ? null : String.valueOf(rs.getObject(i)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void rStyleMissingValuesLoadAsNull() throws Exception {
    Path file = csv("r.csv", "id,age,rx,visit\n1,60,Obs,2020-01-02\n2,NA,NA,NA\n3,,Lev,\n4,\"61\",Lev,2021-02-03\n");
    try (DatasetStore store = DatasetStore.open(settings(dataset("r", file, "")).datasets())) {
      assertThat(rows(store, "SELECT id, age, rx, visit FROM " + DatasetStore.tableName("r") + " ORDER BY id"))
          .containsExactly(List.of("1", "60", "Obs", "2020-01-02"), Arrays.asList("2", null, null, null),
              Arrays.asList("3", null, "Lev", null), List.of("4", "61", "Lev", "2021-02-03"));
    }
  }

  @Test
  void csvOptionsFromTheConfiguration() throws Exception {
    // Semicolons, no header row, "." for missing, day/month/year dates, a quote in a level.
    Path file = csv("sas.csv", "1;60;Obs;02/01/2020\n2;.;Lev;.\n3;70;'Lev';31/12/2021\n");
    String options = "    csv: {missing: [\".\"], delimiter: \";\", header: false, date-format: \"%d/%m/%Y\"}\n";
    try (DatasetStore store = DatasetStore.open(settings(dataset("sas", file, options)).datasets())) {
      assertThat(rows(store, "SELECT id, age, visit FROM " + DatasetStore.tableName("sas") + " ORDER BY id"))
          .containsExactly(List.of("1", "60", "2020-01-02"), Arrays.asList("2", null, null),
              List.of("3", "70", "2021-12-31"));
    }
    assertThat(NodeConfigLoader.load(tmp.resolve("node.yaml")).datasets().getFirst().source())
        .hasToString("Files[paths=[" + file + "], csv=CsvOptions[missing=[.], delimiter=;, header=false, "
            + "dateFormat=%d/%m/%Y]]");
  }

  @Test
  void defaultsAreRsConventions() throws Exception {
    Path file = csv("d.csv", "id,age,rx,visit\n1,60,Obs,2020-01-02\n");
    assertThat(settings(dataset("d", file, "")).datasets().getFirst().source())
        .hasToString("Files[paths=[" + file + "], csv=CsvOptions[missing=[, NA], delimiter=,, header=true, "
            + "dateFormat=null]]");
  }

  @Test
  void aValueThatDoesNotConvertNamesFileColumnRowAndType() throws Exception {
    Path file = csv("bad.csv", "id,age,rx,visit\n1,60,Obs,2020-01-02\n2,abc,Obs,2020-01-02\n3,x\u202Ey,Lev,"
        + "2020-13-01\n4,59.5,Lev,2020-01-02\n5,60.0,Lev,2020-01-02\n");
    assertThat(problems(dataset("bad", file, ""))).containsExactly(
        "dataset bad: file " + file + ", column age, row 2: 'abc' is not a whole number, and age is declared integer "
            + "(3 values do not convert)",
        "dataset bad: file " + file + ", column visit, row 3: '2020-13-01' is not a yyyy-mm-dd date, and visit is "
            + "declared date");
    Path half = csv("half.csv", "id,age,rx,visit\n1,59.5,Obs,2020-01-02\n");
    assertThat(problems(dataset("half", half, ""))).containsExactly("dataset half: file " + half + ", column age, "
        + "row 1: '59.5' is not a whole number, and age is declared integer");
  }

  @Test
  void rowsCountWithinEachFile() throws Exception {
    Path first = csv("first.csv", "id,age,rx,visit\n1,60,Obs,2020-01-02\n2,61,Obs,2020-01-02\n");
    Path second = csv("second.csv", "id,age,rx,visit\n3,62,Obs,2020-01-02\n4,old,Obs,2020-01-02\n");
    String datasets = "  - name: two\n    files: [\"" + first + "\", \"" + second + "\"]\n" + VARIABLES;
    assertThat(problems(datasets)).containsExactly("dataset two: file " + second + ", column age, row 2: 'old' is "
        + "not a whole number, and age is declared integer");
  }

  @Test
  void controlCharactersInABadValueAreEscaped() throws Exception {
    Path file = csv("bidi.csv", "id,age,rx,visit\n1,6\u202E0,Obs,2020-01-02\n");
    List<String> problems = problems(dataset("bidi", file, ""));
    assertThat(problems).singleElement().asString().contains("row 1: '6\\u202E0' is not a whole number")
        .doesNotContain("\u202E");
  }

  @Test
  void aMissingColumnAnUndeclaredLevelAndAMissingFileAreEachOneLine() throws Exception {
    Path noAge = csv("noage.csv", "id,agee,rx,visit\n1,60,Obs,2020-01-02\n");
    Path placebo = csv("placebo.csv", "id,age,rx,visit\n1,60,Obs,2020-01-02\n2,61,Placebo,2020-01-02\n"
        + "3,62,Placebo,2020-01-02\n");
    Path absent = tmp.resolve("absent.csv");
    assertThat(problems(dataset("a", noAge, "") + dataset("b", placebo, "") + dataset("c", absent, "")))
        .containsExactly(
            "dataset a: file " + noAge + " has no column age (a declared variable); did you mean 'agee'?; "
                + "its columns are 'id', 'agee', 'rx', 'visit'",
            "dataset b: file " + placebo + ", column rx, row 2: 'Placebo' is not a declared level of rx "
                + "(declared: 'Obs', 'Lev') (2 values are outside the declared levels)",
            "dataset c: file " + absent + " does not exist");
  }

  @Test
  void aMalformedCsvRowIsOneLine() throws Exception {
    StringBuilder rows = new StringBuilder("id,age,rx,visit\n");
    for (int i = 1; i <= 50; i++) {
      rows.append(i).append(",60,Obs,2020-01-02\n");
    }
    Path file = csv("ragged.csv", rows + "51,60,Obs,2020-01-02,surplus,secret\n");
    assertThat(problems(dataset("ragged", file, ""))).singleElement().asString()
        .startsWith("dataset ragged: file " + file + " cannot be read: ").doesNotContain("\n");
  }

  @Test
  void aBadDateFormatIsOneLine() throws Exception {
    Path file = csv("f.csv", "id,age,rx,visit\n1,60,Obs,2020-01-02\n");
    assertThat(problems(dataset("f", file, "    csv: {date-format: \"%Q\"}\n"))).singleElement().asString()
        .startsWith("dataset f: csv.date-format %Q is not a valid strptime format: ").doesNotContain("\n");
  }

  @Test
  void anUnknownYamlKeyIsOneLineWithItsPlace() throws Exception {
    Path config = tmp.resolve("typo.yaml");
    Files.writeString(config, """
        node-id: site1
        datasets:
          - name: colon
            fles: [colon.csv]
        """);
    assertThatThrownBy(() -> NodeConfigLoader.load(config)).isInstanceOfSatisfying(StartupException.class,
        e -> assertThat(e.problems()).singleElement().asString()
            .startsWith(config + " line 4: unknown key 'fles' under datasets[0]; did you mean 'files'? known keys "
                + "here: analyses, csv, database, description, disclosure, files, jdbc, limits, name, noise, table, variables"));
    Files.writeString(config, "node-id: site1\nserver: {max-connection-idle-ms: soon}\n");
    assertThatThrownBy(() -> NodeConfigLoader.load(config)).isInstanceOfSatisfying(StartupException.class,
        e -> assertThat(e.problems()).singleElement().asString()
            .startsWith(config + " line 2: cannot read the node configuration under server.max-connection-idle-ms: "));
    assertThatThrownBy(() -> NodeConfigLoader.load(tmp.resolve("none.yaml"))).isInstanceOfSatisfying(
        StartupException.class, e -> assertThat(e.problems()).containsExactly(
            "node configuration " + tmp.resolve("none.yaml") + " does not exist or is not a file"));
  }
}
