package org.fedstats.common.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tampering with a chained log, every way a person with the file could, is found and placed. */
class ChainedLogTest {
  @TempDir
  Path tmp;

  private Path log(int entries) throws IOException {
    Path path = tmp.resolve("audit.jsonl");
    try (ChainedLog log = ChainedLog.open(path)) {
      for (int i = 1; i <= entries; i++) {
        log.append(Map.of("requestId", "r" + i, "outcome", i % 3 == 0 ? "REFUSED" : "ANSWERED"));
      }
    }
    return path;
  }

  private static List<String> lines(Path path) throws IOException {
    return new ArrayList<>(Files.readAllLines(path, StandardCharsets.US_ASCII));
  }

  private static void write(Path path, List<String> lines) throws IOException {
    Files.write(path, lines, StandardCharsets.US_ASCII);
  }

  private static ChainVerifier.Report verify(Path path) throws IOException {
    return ChainVerifier.verify(path, Optional.empty());
  }

  @Test
  void anUntouchedLogIsIntactAndItsHeadIsTheLastLinesHash() throws IOException {
    Path path = log(5);
    ChainVerifier.Report report = verify(path);
    assertThat(report.problems()).isEmpty();
    assertThat(report.lines()).isEqualTo(5);
    try (ChainedLog reopened = ChainedLog.open(path)) {
      assertThat(reopened.head()).isEqualTo(report.head())
          .isEqualTo(ChainedLog.sha256(lines(path).get(4).getBytes(StandardCharsets.US_ASCII)));
      assertThat(reopened.lines()).isEqualTo(5);
      reopened.append(Map.of("requestId", "r6"));
    }
    assertThat(verify(path).intact()).isTrue();
    assertThat(lines(path).get(0)).startsWith("{\"prev\":\"" + ChainedLog.GENESIS + "\"");
  }

  @Test
  void anEditedLineIsFoundWhereItWasEdited() throws IOException {
    Path path = log(6);
    List<String> lines = lines(path);
    lines.set(2, lines.get(2).replace("REFUSED", "ANSWERED"));
    write(path, lines);
    assertThat(verify(path).problems()).singleElement().asString()
        .startsWith("the chain breaks at line 4: line 3 was changed");
  }

  @Test
  void aDeletedLineAnInsertedLineAndTwoSwappedLinesAreFound() throws IOException {
    Path path = log(6);
    List<String> original = lines(path);

    List<String> deleted = new ArrayList<>(original);
    deleted.remove(3);
    write(path, deleted);
    assertThat(verify(path).problems()).singleElement().asString().startsWith("the chain breaks at line 4");

    List<String> inserted = new ArrayList<>(original);
    inserted.add(2, original.get(4));
    write(path, inserted);
    assertThat(verify(path).intact()).isFalse();
    assertThat(verify(path).problems().get(0)).startsWith("the chain breaks at line 3");

    List<String> swapped = new ArrayList<>(original);
    swapped.set(1, original.get(2));
    swapped.set(2, original.get(1));
    write(path, swapped);
    assertThat(verify(path).problems()).isNotEmpty().first().asString().startsWith("the chain breaks at line 2");

    List<String> headless = new ArrayList<>(original.subList(2, original.size()));
    write(path, headless);
    assertThat(verify(path).problems()).singleElement().asString()
        .isEqualTo("line 1 does not start the chain: lines were deleted from the start of the log");
  }

  @Test
  void linesRemovedFromTheEndAreFoundOnlyWithAHeadKeptElsewhere() throws IOException {
    Path path = log(6);
    String head = verify(path).head();
    List<String> lines = lines(path);
    write(path, lines.subList(0, 4));
    assertThat(verify(path).intact()).as("a chain alone cannot tell a shorter log").isTrue();
    assertThat(ChainVerifier.verify(path, Optional.of(head)).problems()).singleElement().asString()
        .startsWith("no line has the expected head");
    write(path, lines);
    assertThat(ChainVerifier.verify(path, Optional.of(head)).intact()).isTrue();
  }

  @Test
  void aLineWithoutItsChainFieldOrNotJsonIsTampering() throws IOException {
    Path path = log(4);
    List<String> lines = lines(path);
    lines.add(2, "{\"requestId\":\"forged\",\"outcome\":\"ANSWERED\"}");
    write(path, lines);
    assertThat(verify(path).problems()).anySatisfy(p -> assertThat(p).isEqualTo("line 3 has no prev field: it was "
        + "edited or inserted"));

    Path other = tmp.resolve("other.jsonl");
    try (ChainedLog log = ChainedLog.open(other)) {
      for (int i = 0; i < 4; i++) {
        log.append(Map.of("requestId", "o" + i));
      }
    }
    List<String> otherLines = lines(other);
    otherLines.set(1, "garbage");
    write(other, otherLines);
    assertThat(verify(other).problems()).isNotEmpty();
  }

  @Test
  void aLineTornByACrashIsClosedAtTheNextOpenAndReportedAsSuchNotAsTampering() throws IOException {
    Path path = log(3);
    Files.writeString(path, "{\"prev\":\"abc\",\"requestId\":\"r4\",\"outc", StandardOpenOption.APPEND);
    try (ChainedLog log = ChainedLog.open(path)) {
      assertThat(log.lines()).isEqualTo(5);
      log.append(Map.of("requestId", "r5"));
    }
    ChainVerifier.Report report = verify(path);
    assertThat(report.problems()).isEmpty();
    assertThat(report.notes()).singleElement().asString().startsWith("line 4 was cut short by a crash");
    assertThat(report.lines()).isEqualTo(6);
  }

  @Test
  void linesThatPredateTheChainAreNotedAndTheChainGoesOnFromThem() throws IOException {
    Path path = tmp.resolve("old.jsonl");
    Files.writeString(path, "{\"requestId\":\"old1\"}\n{\"requestId\":\"old2\"}\n");
    try (ChainedLog log = ChainedLog.open(path)) {
      log.append(Map.of("requestId", "new1"));
    }
    ChainVerifier.Report report = verify(path);
    assertThat(report.problems()).isEmpty();
    assertThat(report.notes()).containsExactly("the first 2 line(s) were written before the log was chained");
    List<String> lines = lines(path);
    // The chain starts from the last line written before it, so that line is protected; earlier ones cannot be.
    lines.set(1, "{\"requestId\":\"old2-edited\"}");
    write(path, lines);
    assertThat(verify(path).problems()).singleElement().asString().startsWith("the chain breaks at line 3");
  }

  @Test
  void anEntryCannotSetItsOwnChainField() throws IOException {
    try (ChainedLog log = ChainedLog.open(tmp.resolve("a.jsonl"))) {
      assertThatThrownBy(() -> log.append(Map.of("prev", ChainedLog.GENESIS)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void nonAsciiIsEscapedSoALineShowsAsWritten() throws IOException {
    Path path = tmp.resolve("b.jsonl");
    try (ChainedLog log = ChainedLog.open(path)) {
      log.append(Map.of("requester", "eve\u202Egpj.exe"));
    }
    assertThat(Files.readString(path)).contains("eve\\u202Egpj.exe").matches("\\p{ASCII}*");
    assertThat(verify(path).intact()).isTrue();
  }
}
