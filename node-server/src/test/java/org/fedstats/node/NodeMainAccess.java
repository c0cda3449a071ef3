package org.fedstats.node;

import java.io.PrintStream;

/** Lets tests in other packages run the node's command line. */
public final class NodeMainAccess {
  private NodeMainAccess() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return NodeMain.run(args, out, err);
  }
}
