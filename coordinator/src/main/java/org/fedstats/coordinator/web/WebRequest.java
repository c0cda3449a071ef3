package org.fedstats.coordinator.web;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.fedstats.coordinator.identity.Researcher;

/**
 * One HTTP request as a {@link WebHandler} sees it.
 *
 * @param method the HTTP method, upper case
 * @param path the path, decoded, without the query
 * @param body the request body (at most {@link WebServer#MAX_BODY_BYTES}); empty when there is none
 * @param researcher who asks, as the web server authenticated them (the same rules as the gRPC researcher service)
 * @param requester how the audit log names the caller: the researcher's name and the caller's address
 */
public record WebRequest(String method, String path, byte[] body, Researcher researcher, String requester) {
  public WebRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    body = body.clone();
    Objects.requireNonNull(researcher, "researcher");
    Objects.requireNonNull(requester, "requester");
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
