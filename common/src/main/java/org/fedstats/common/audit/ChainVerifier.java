package org.fedstats.common.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a {@link ChainedLog}: every line's {@value ChainedLog#PREV} must be the hash of the line before it. Reports
 * each place where the chain breaks (a line edited, deleted, inserted or moved there) by line number, and, given a
 * head recorded elsewhere, whether the log still contains it (lines removed from the end, or the file rewritten).
 */
public final class ChainVerifier {
  private ChainVerifier() {}

  /**
   * The outcome of a check.
   *
   * @param lines lines read
   * @param head the hash of the last line
   * @param problems where the chain breaks, one sentence each; none for an intact log
   * @param notes what is not tampering but worth knowing (lines written before the log was chained, torn lines)
   */
  public record Report(long lines, String head, List<String> problems, List<String> notes) {
    public Report {
      Objects.requireNonNull(head, "head");
      problems = List.copyOf(problems);
      notes = List.copyOf(notes);
    }

    public boolean intact() {
      return problems.isEmpty();
    }
  }

  /** Checks the log at {@code path}; {@code expectedHead}, if given, is a head recorded elsewhere. */
  public static Report verify(Path path, Optional<String> expectedHead) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return verify(in, expectedHead);
    }
  }

  /** Checks a log read from {@code in} (which is not closed). */
  public static Report verify(InputStream in, Optional<String> expectedHead) throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String previous = ChainedLog.GENESIS;
    long number = 0;
    long unchained = 0;
    boolean chained = false;
    boolean tornBefore = false;
    boolean headSeen = expectedHead.isEmpty();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      number++;
      String hash = ChainedLog.sha256(line.getBytes(StandardCharsets.US_ASCII));
      Optional<JsonNode> json = parse(line);
      JsonNode prev = json.map(j -> j.get(ChainedLog.PREV)).orElse(null);
      if (prev == null || !prev.isTextual()) {
        if (!chained && json.isPresent()) {
          unchained++;
        } else if (json.isEmpty()) {
          // Only a torn-line note right after may excuse an unreadable line; decided on the next line.
          tornBefore = true;
        } else {
          problems.add("line " + number + " has no " + ChainedLog.PREV + " field: it was edited or inserted");
        }
      } else {
        if (!prev.asText().equals(previous) && number == 1) {
          problems.add("line 1 does not start the chain: lines were deleted from the start of the log");
        } else if (!prev.asText().equals(previous)) {
          problems.add("the chain breaks at line " + number + ": line " + (number - 1) + " was changed, or lines "
              + "were deleted, inserted or moved just before line " + number);
        } else if (tornBefore) {
          if ("torn-line".equals(json.get().path("event").asText())) {
            notes.add("line " + (number - 1) + " was cut short by a crash while it was written (recorded in line "
                + number + ")");
          } else {
            problems.add("line " + (number - 1) + " is not a JSON object: it was edited");
          }
        }
        tornBefore = false;
        chained = true;
      }
      if (!headSeen && hash.equals(expectedHead.get())) {
        headSeen = true;
      }
      previous = hash;
    }
    if (tornBefore) {
      problems.add("line " + number + " is not a JSON object: it was edited, or the log was not opened since a "
          + "crash cut it short");
    }
    if (unchained > 0) {
      notes.add("the first " + unchained + " line(s) were written before the log was chained");
    }
    if (!headSeen) {
      problems.add("no line has the expected head " + expectedHead.get() + ": lines were removed from the end of "
          + "the log, or it was rewritten");
    }
    return new Report(number, previous, problems, notes);
  }

  private static Optional<JsonNode> parse(String line) {
    try {
      JsonNode node = ChainedLog.JSON.readTree(line);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
