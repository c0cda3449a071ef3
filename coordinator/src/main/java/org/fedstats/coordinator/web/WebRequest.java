package org.fedstats.coordinator.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.coordinator.identity.Researcher;

/**
 * One HTTP request as a {@link WebHandler} sees it.
 *
 * @param method the HTTP method, upper case
 * @param path the path, decoded, without the query
 * @param query the query parameters, decoded, each with its values in order
 * @param body the request body (at most {@link WebServer#MAX_BODY_BYTES}); empty when there is none
 * @param researcher who asks, as the web server authenticated them (the same rules as the gRPC researcher service)
 * @param requester how the audit log names the caller: the researcher's name and the caller's address
 */
public record WebRequest(String method, String path, Map<String, List<String>> query, byte[] body,
    Researcher researcher, String requester) {
  public WebRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    query = Map.copyOf(query);
    body = body.clone();
    Objects.requireNonNull(researcher, "researcher");
    Objects.requireNonNull(requester, "requester");
  }

  /** The first value of query parameter {@code name}. */
  public Optional<String> parameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Parses a raw query string ({@code a=1&b=x%20y}); a name without {@code =} has the empty value. */
  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
    }
    query.replaceAll((n, v) -> List.copyOf(v));
    return query;
  }
}
