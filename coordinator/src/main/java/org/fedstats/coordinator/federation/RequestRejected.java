package org.fedstats.coordinator.federation;

import io.grpc.Status;

/** A research request the coordinator will not fan out or pool, with the status the researcher should see. */
public final class RequestRejected extends RuntimeException {
  private final Status status;

  public RequestRejected(Status status) {
    super(status.getDescription());
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
