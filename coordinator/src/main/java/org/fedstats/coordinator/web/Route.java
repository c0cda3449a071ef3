package org.fedstats.coordinator.web;

import java.util.Objects;
import java.util.Set;

/**
 * Requests whose path is {@code prefix} or lies under it (prefix {@code /api/v1} takes {@code /api/v1/nodes}, not
 * {@code /api/v1x}) go to {@code handler}, with one of {@code methods}.
 *
 * @param authenticated whether the caller must be authenticated as a researcher is on the gRPC researcher service
 *     (a certificate or a bearer token, when the coordinator takes either); static pages that carry no data need not be
 */
public record Route(String prefix, Set<String> methods, boolean authenticated, WebHandler handler) {
  public Route {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/"))) {
      throw new IllegalArgumentException("a route prefix starts with / and does not end with one: " + prefix);
    }
    methods = Set.copyOf(methods);
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("route " + prefix + " takes no method");
    }
    Objects.requireNonNull(handler, "handler");
  }

  /** Whether {@code path} is this route's. */
  boolean matches(String path) {
    return prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix + "/");
  }
}
