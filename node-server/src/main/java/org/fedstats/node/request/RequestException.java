package org.fedstats.node.request;

import io.grpc.Status;

/** A request the node will not run as asked: carries the gRPC status a caller should see and a clear message. */
public final class RequestException extends RuntimeException {
  private final Status.Code code;

  public RequestException(Status.Code code, String message) {
    super(message);
    this.code = code;
  }

  public static RequestException invalid(String message) {
    return new RequestException(Status.Code.INVALID_ARGUMENT, message);
  }

  public static RequestException notFound(String message) {
    return new RequestException(Status.Code.NOT_FOUND, message);
  }

  public static RequestException denied(String message) {
    return new RequestException(Status.Code.PERMISSION_DENIED, message);
  }

  public Status.Code code() {
    return code;
  }

  public Status toStatus() {
    return Status.fromCode(code).withDescription(getMessage());
  }

  /** Researcher-supplied text quoted in an error message, shortened so that a message stays readable. */
  public static String quote(String userText) {
    String shown = userText.length() > 64 ? userText.substring(0, 61) + "..." : userText;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
