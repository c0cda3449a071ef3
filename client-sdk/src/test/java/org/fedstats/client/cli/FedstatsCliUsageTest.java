package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.client.cli.FedstatsCliTest.run;

import java.util.List;
import org.fedstats.client.cli.FedstatsCliTest.Run;
import org.junit.jupiter.api.Test;

/** Help, usage errors and option parsing, which need no federation. */
class FedstatsCliUsageTest {
  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("nodes", "datasets", "variables", "count", "summary", "table", "histogram",
        "pki")) {
      Run help = run(command, "--help");
      assertThat(help.exit()).as(command).isZero();
      assertThat(help.out()).startsWith("Usage: fedstats " + command);
      assertThat(run("help", command).out()).isEqualTo(help.out());
    }
    assertThat(run("count", "-h").out()).contains("--where").contains("--coordinator").contains("--format");
    assertThat(run("help").out()).contains("Commands:").contains("histogram").contains("pki");
  }

  @Test
  void usageErrorsAreOneLineWithExitTwo() {
    Run format = run("count", "colon", "--format", "xml");
    assertThat(format.exit()).isEqualTo(2);
    assertThat(format.out()).isEmpty();
    assertThat(format.err()).isEqualTo("fedstats: Invalid value for option '--format': expected one of text, json, "
        + "csv, arrow, arrow-stream, not 'xml' (see 'fedstats count --help')" + System.lineSeparator());
    Run typo = run("cuont", "colon");
    assertThat(typo.exit()).isEqualTo(2);
    assertThat(typo.err()).contains("did you mean count").hasLineCount(1);
    Run http = run("--coordinator", "http://127.0.0.1:7050", "nodes");
    assertThat(http.exit()).isEqualTo(2);
    assertThat(http.err()).isEqualTo("fedstats: Invalid value for option '--coordinator': give the coordinator as "
        + "host:port, e.g. 127.0.0.1:7050, without http:// (see 'fedstats --help')" + System.lineSeparator());
    assertThat(run().exit()).isEqualTo(2);
  }

  @Test
  void helpListsTheFormats() {
    assertThat(run("--help").out()).contains("Output format: text, json, csv, arrow, arrow-stream")
        .contains("-o, --output=<file>");
    assertThat(run("summary", "--help").out()).contains("Output format: text, json, csv, arrow, arrow-stream");
    assertThat(run("pki", "--help").out()).doesNotContain("--format").doesNotContain("--output");
  }
}
