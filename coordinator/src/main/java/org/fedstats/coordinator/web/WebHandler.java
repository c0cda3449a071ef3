package org.fedstats.coordinator.web;

/** Answers the requests of one {@link Route}; it runs on its own (virtual) thread and may wait. */
@FunctionalInterface
public interface WebHandler {
  /** The answer to {@code request}; an unchecked exception is answered 500 without its message. */
  WebResponse handle(WebRequest request);
}
