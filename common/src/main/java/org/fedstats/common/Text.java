package org.fedstats.common;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Text from a request, made safe to echo in messages and logs, and "did you mean" suggestions. */
public final class Text {
  /** Longest piece of request text echoed back; longer text is shortened with "...". */
  public static final int MAX_ECHO_CHARS = 64;

  private Text() {}

  /**
   * A name or value taken from a request, safe to quote in an error message or a log line: control and format
   * characters (line breaks, escapes, Unicode bidi overrides such as U+202E, zero-width characters) and lone
   * surrogates are written as {@code \\uXXXX}, and text longer than {@link #MAX_ECHO_CHARS} is shortened.
   */
  public static String echo(String text) {
    if (text == null) {
      return "";
    }
    String shown = text.length() > MAX_ECHO_CHARS ? text.substring(0, MAX_ECHO_CHARS - 3) + "..." : text;
    StringBuilder b = new StringBuilder(shown.length());
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (unsafe(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean unsafe(char c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
      default -> false;
    };
  }

  /**
   * The candidate closest to {@code name} by edit distance (ignoring case), if it is close enough to be a likely
   * typo: at most 2 edits, or a third of the name's length for long names.
   */
  public static Optional<String> closest(String name, Collection<String> candidates) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    String wanted = name.toLowerCase(Locale.ROOT);
    int limit = Math.max(2, wanted.length() / 3);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(wanted, candidate.toLowerCase(Locale.ROOT), limit);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions); stops early above limit. */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** The first 12 hexadecimal digits of a hash, as `git` shortens commits, for lists read by people; "-" if none. */
  public static String shortHash(String hash) {
    return hash == null || hash.isEmpty() ? "-" : hash.substring(0, Math.min(12, hash.length()));
  }
}
