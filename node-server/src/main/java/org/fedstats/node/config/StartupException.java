package org.fedstats.node.config;

import java.io.IOException;
import java.util.List;

/**
 * The node cannot start: one clear line per problem (naming the file, dataset, column and row where known), for the
 * operator to read on the console without a stack trace. An {@link IOException}, as reading the configuration and
 * data at start always was, so that callers that start nodes need no change.
 */
public final class StartupException extends IOException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public StartupException(List<String> problems, Throwable cause) {
    super(String.join("\n", problems), cause);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a start-up failure needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public StartupException(String problem) {
    this(List.of(problem), null);
  }

  public StartupException(String problem, Throwable cause) {
    this(List.of(problem), cause);
  }

  /** Each problem as one line. */
  public List<String> problems() {
    return problems;
  }
}
