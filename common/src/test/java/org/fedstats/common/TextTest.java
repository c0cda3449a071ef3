package org.fedstats.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void bidiOverridesControlAndZeroWidthCharactersAreEscaped() {
    assertThat(Text.echo("age\u202Eegasu")).isEqualTo("age\\u202Eegasu");
    assertThat(Text.echo("a\nb\tc\u0000d\u200Be\u2028")).isEqualTo("a\\u000Ab\\u0009c\\u0000d\\u200Be\\u2028");
    assertThat(Text.echo("\uD800x")).isEqualTo("\\uD800x");
  }

  @Test
  void ordinaryTextIsKeptAndLongTextShortened() {
    assertThat(Text.echo("Lev+5FU élève 年齢")).isEqualTo("Lev+5FU élève 年齢");
    assertThat(Text.echo("x".repeat(500))).hasSize(Text.MAX_ECHO_CHARS).endsWith("...");
    assertThat(Text.echo(null)).isEmpty();
  }

  @Test
  void suggestsTheClosestNameOnlyWhenItIsALikelyTypo() {
    List<String> names = List.of("age", "sex", "rx", "nodes", "status", "time", "differ");
    assertThat(Text.closest("agee", names)).contains("age");
    assertThat(Text.closest("AGE", names)).contains("age");
    assertThat(Text.closest("stauts", names)).contains("status");
    assertThat(Text.closest("cholesterol", names)).isEmpty();
    assertThat(Text.closest("", names)).isEmpty();
  }

  @Test
  void hostPortParsesAndRejectsWithTheSettingNamed() {
    assertThat(HostPort.parse("127.0.0.1:7050", "listen")).isEqualTo(new HostPort("127.0.0.1", 7050));
    assertThat(HostPort.parse("[::1]:7", "listen")).isEqualTo(new HostPort("::1", 7));
    assertThat(HostPort.parse("[::1]:7", "listen")).hasToString("[::1]:7");
    for (String bad : List.of("", "7050", ":1", "host:", "host:99999", "host:x", "http://host:1", "a b:1")) {
      assertThatThrownBy(() -> HostPort.parse(bad, "listen")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("listen must be host:port");
    }
  }
}
