package org.fedstats.coordinator.testing;

import java.util.ArrayList;
import java.util.List;

/** What a test started, closed in reverse order when the test ends. */
public final class Closer {
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** Closes {@code resource} when this closes, before what was added earlier. */
  public <T extends AutoCloseable> T add(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Closes what was added, the last first. */
  public void close() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
    resources.clear();
  }
}
