package org.fedstats.coordinator.identity;

import java.util.Objects;
import org.fedstats.pki.statement.AuthMethod;

/**
 * Who is asking, as the coordinator established it.
 *
 * @param name the researcher's name: a certificate's CN, a token's user name claim, or a name the client stated
 * @param method how the coordinator knows
 */
public record Researcher(String name, AuthMethod method) {
  /** The longest name kept; a longer one is cut. */
  static final int MAX_NAME = 128;

  public Researcher {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a researcher has a name");
    }
    name = name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    Objects.requireNonNull(method, "method");
  }

  /** A name the client stated, unverified ("anonymous" when none). */
  public static Researcher claimed(String name) {
    return new Researcher(name == null || name.isBlank() ? "anonymous" : name, AuthMethod.CLAIMED);
  }
}
