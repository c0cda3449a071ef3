package org.fedstats.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The federation rejected a request or could not be reached: the gRPC status code and its message. */
public final class FedstatsException extends RuntimeException {
  private final Status.Code code;

  public FedstatsException(Status.Code code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
  }

  static FedstatsException from(StatusRuntimeException e) {
    Status s = e.getStatus();
    return new FedstatsException(s.getCode(), s.getDescription() == null ? s.getCode().name() : s.getDescription(), e);
  }

  public Status.Code code() {
    return code;
  }
}
