package org.fedstats.client;

import java.nio.file.Path;
import java.util.function.IntFunction;

/** Lets tests in other packages start a {@link NettyFederation}. */
public final class NettyFederationAccess {
  private NettyFederationAccess() {}

  public static AutoCloseable start(Path workDir, IntFunction<String> datasets) throws Exception {
    return new NettyFederation(workDir, datasets);
  }

  public static String address(AutoCloseable federation) {
    return ((NettyFederation) federation).address();
  }
}
