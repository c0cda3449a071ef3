package org.fedstats.node.overlap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.node.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/** The state file of released sets: read back whole, a torn last record dropped, damage inside refused. */
class SetFileTest {
  @TempDir
  Path tmp;

  private static final List<RoaringBitmap> SETS = List.of(RoaringBitmap.bitmapOf(1, 2, 3),
      RoaringBitmap.bitmapOfRange(0, 100_000), RoaringBitmap.bitmapOf(7, 70_000, 700_000));

  private Path written() throws IOException {
    Path path = tmp.resolve("state").resolve("colon-x.sets");
    try (SetFile file = SetFile.open(path, new ArrayList<>())) {
      file.append(SETS.subList(0, 2));
      file.append(SETS.subList(2, 3));
    }
    return path;
  }

  private static List<RoaringBitmap> read(Path path) throws IOException {
    List<SetIndex.Stored> stored = new ArrayList<>();
    try (SetFile file = SetFile.open(path, stored)) {
      assertThat(stored).allMatch(s -> s.cardinality() == s.load().getLongCardinality());
      return stored.stream().map(SetIndex.Stored::load).toList();
    }
  }

  @Test
  void setsAreReadBackInOrder() throws Exception {
    assertThat(read(written())).isEqualTo(SETS);
  }

  @Test
  void aTornLastRecordIsDroppedAndTheFileGoesOn() throws Exception {
    Path path = written();
    long whole = Files.size(path);
    // A crash while the fourth record was written: its header and a part of its bytes.
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.allocate(14).putInt(0, 5_000).putInt(4, 12345));
    }
    try (LogCapture log = LogCapture.of(SetFile.class)) {
      assertThat(read(path)).isEqualTo(SETS);
      assertThat(log.records()).singleElement().satisfies(r ->
          assertThat(r.getMessage()).contains("dropping an incomplete last record"));
    }
    assertThat(Files.size(path)).isEqualTo(whole);
    try (SetFile file = SetFile.open(path, new ArrayList<>())) {
      file.append(List.of(RoaringBitmap.bitmapOf(42)));
    }
    assertThat(read(path)).hasSize(4).last().isEqualTo(RoaringBitmap.bitmapOf(42));
  }

  @Test
  void aLastRecordFailingItsChecksumIsDroppedButDamageBeforeOthersIsRefused() throws Exception {
    Path path = written();
    byte[] bytes = Files.readAllBytes(path);
    bytes[bytes.length - 1] ^= 1;
    Files.write(path, bytes);
    try (LogCapture log = LogCapture.of(SetFile.class)) {
      assertThat(read(path)).isEqualTo(SETS.subList(0, 2));
      assertThat(log.records()).hasSize(1);
    }

    Path damaged = written();
    byte[] inside = Files.readAllBytes(damaged);
    // The first record's last byte: its body starts after the header and the record header.
    inside[26 + 8 + SETS.get(0).serializedSizeInBytes() - 1] ^= 1;
    Files.write(damaged, inside);
    assertThatThrownBy(() -> read(damaged)).isInstanceOf(IOException.class)
        .hasMessageContaining("is damaged at byte 26");
  }

  @Test
  void aFileOfSomethingElseIsNotTakenForOne() throws Exception {
    Path other = tmp.resolve("notes.sets");
    Files.writeString(other, "these are someone's notes, not sets of records");
    assertThatThrownBy(() -> read(other)).isInstanceOf(IOException.class)
        .hasMessageContaining("is not a file of released record sets");
  }
}
