package org.fedstats.coordinator.service;

import java.util.concurrent.CancellationException;

/**
 * How the HTTP face cancels a request it stopped waiting for: a cancellation (the rounds stop as for a researcher who
 * left) that the audit log records as DEADLINE_EXCEEDED rather than CANCELLED.
 */
final class WaitExpired extends CancellationException {
  private static final long serialVersionUID = 1L;

  /** The audit log's description of such a request. */
  static final String DESCRIPTION = "the request was cancelled before its answer: the HTTP API's wait ran out";

  WaitExpired() {
    super(DESCRIPTION);
  }
}
