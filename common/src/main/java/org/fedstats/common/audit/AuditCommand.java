package org.fedstats.common.audit;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code audit verify <log> [--head <hash>]}: the audit subcommand of {@code fedstats-node} and {@code fedstats-coordinator}. */
@Command(name = "audit", description = "Work with an audit log.", mixinStandardHelpOptions = true,
    subcommands = AuditCommand.Verify.class)
public final class AuditCommand {
  /** Exit status of {@code verify} when the log was tampered with (or cannot be read). */
  public static final int TAMPERED = 1;

  /** Checks the hash chain of an audit log. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Checks that no entry of an audit log was edited, deleted, inserted or reordered, and says "
          + "where the log was changed. Exit status 0: intact; 1: changed or unreadable.",
      footer = {"%nExample:", "  fedstats-node audit verify /var/lib/fedstats/audit.jsonl \\",
          "      --head 3f9a...e1 (a head the coordinator recorded)"})
  public static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<log>", description = "The audit log file (JSON lines).")
    Path log;

    @Option(names = "--head", paramLabel = "<hash>",
        description = "A head of this log recorded elsewhere (the coordinator's audit log keeps each node's head "
            + "with every answer): the log must still contain that line, else entries were cut from its end.")
    String head;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.isRegularFile(log)) {
        err.println("audit log " + log + " does not exist");
        return TAMPERED;
      }
      ChainVerifier.Report report;
      try {
        report = ChainVerifier.verify(log, Optional.ofNullable(head));
      } catch (IOException e) {
        err.println("audit log " + log + " cannot be read: " + e.getMessage());
        return TAMPERED;
      }
      if (report.intact()) {
        out.println("audit log " + log + ": intact, " + report.lines() + " entries, head " + report.head());
      } else {
        out.println("audit log " + log + ": CHANGED after it was written (" + report.lines() + " lines read)");
        report.problems().forEach(p -> out.println("  " + p));
      }
      report.notes().forEach(n -> out.println("  note: " + n));
      out.flush();
      return report.intact() ? 0 : TAMPERED;
    }
  }
}
