package org.fedstats.coordinator;

import java.io.PrintStream;

/** Lets tests in other packages run the coordinator's command line. */
public final class CoordinatorMainAccess {
  private CoordinatorMainAccess() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return CoordinatorMain.run(args, out, err);
  }
}
