package org.fedstats.coordinator.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link WebHandler} answers.
 *
 * @param status the HTTP status
 * @param contentType the body's media type
 * @param body the body (empty for none)
 * @param headers further response headers
 */
public record WebResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String JSON = "application/json; charset=utf-8";

  public WebResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    Objects.requireNonNull(contentType, "contentType");
    body = body.clone();
    headers = Map.copyOf(headers);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** A JSON body with status {@code status}. */
  public static WebResponse json(int status, String json) {
    return new WebResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /**
   * An error as every endpoint gives it: {@code {"error": {"code": 403, "status": "PERMISSION_DENIED", "message":
   * "..."}}}, the status named as gRPC names it, so that the HTTP and gRPC faces tell the same.
   */
  public static WebResponse error(int code, String status, String message) {
    com.google.gson.JsonObject error = new com.google.gson.JsonObject();
    error.addProperty("code", code);
    error.addProperty("status", status);
    error.addProperty("message", message);
    com.google.gson.JsonObject body = new com.google.gson.JsonObject();
    body.add("error", error);
    return json(code, body.toString());
  }

  /**
   * A gRPC status as the HTTP API answers it: the HTTP status Google's API design guide maps its code to, the code's
   * name, and its description as the gRPC face gives it.
   */
  public static WebResponse error(io.grpc.Status status) {
    String message = status.getDescription() == null ? "" : status.getDescription();
    return error(httpStatus(status.getCode()), status.getCode().name(), message);
  }

  /** The HTTP status of gRPC status code {@code code}, as in Google's API design guide (and grpc-gateway). */
  public static int httpStatus(io.grpc.Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
    };
  }

  /** 404 for {@code path}, echoed safely (control characters and overlong text shown as escapes). */
  public static WebResponse notFound(String path) {
    return error(404, "NOT_FOUND", "nothing at " + org.fedstats.common.Text.echo(path));
  }

  /**
   * The bytes of resource {@code name} beside {@code owner}'s class, a file the coordinator's jar must hold
   * ({@code what} names it in the error if it does not).
   */
  public static byte[] resource(Class<?> owner, String name, String what) {
    try (java.io.InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(what + " (" + name + ") is missing from the coordinator's jar");
      }
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A body of media type {@code contentType}, status 200. */
  public static WebResponse ok(String contentType, byte[] body) {
    return new WebResponse(200, contentType, body, Map.of());
  }

  /** The same response with header {@code name} set to {@code value} as well. */
  public WebResponse withHeader(String name, String value) {
    java.util.Map<String, String> more = new java.util.LinkedHashMap<>(headers);
    more.put(name, value);
    return new WebResponse(status, contentType, body, more);
  }
}
