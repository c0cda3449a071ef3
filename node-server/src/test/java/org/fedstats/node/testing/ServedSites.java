package org.fedstats.node.testing;

import java.util.ArrayList;
import java.util.List;
import org.fedstats.node.config.NodeSettings;

/**
 * The sites a test started, closed in reverse order when it ends (a field marked {@code @AutoClose}); a test may
 * close one earlier to restart it.
 */
public final class ServedSites implements AutoCloseable {
  private final List<ServedSite> open = new ArrayList<>();

  /** Starts a node over {@code settings} on 127.0.0.1, to be closed with the others. */
  public ServedSite start(NodeSettings settings) throws Exception {
    ServedSite site = ServedSite.start(settings);
    open.add(site);
    return site;
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }
}
