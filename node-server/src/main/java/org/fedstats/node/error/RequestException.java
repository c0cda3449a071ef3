package org.fedstats.node.error;

import io.grpc.Status;
import org.fedstats.common.Text;

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

  /** A request the data at this node cannot answer as asked (e.g. a variable's values do not fit the model). */
  public static RequestException failedPrecondition(String message) {
    return new RequestException(Status.Code.FAILED_PRECONDITION, message);
  }

  public static RequestException notFound(String message) {
    return new RequestException(Status.Code.NOT_FOUND, message);
  }

  public static RequestException denied(String message) {
    return new RequestException(Status.Code.PERMISSION_DENIED, message);
  }

  public static RequestException exhausted(String message) {
    return new RequestException(Status.Code.RESOURCE_EXHAUSTED, message);
  }

  public Status.Code code() {
    return code;
  }

  public Status toStatus() {
    return Status.fromCode(code).withDescription(getMessage());
  }

  /**
   * Researcher-supplied text quoted in an error message: control and format characters (such as U+202E) escaped
   * and long text shortened, by {@link Text#echo}.
   */
  public static String quote(String userText) {
    return "'" + Text.echo(userText) + "'";
  }
}
