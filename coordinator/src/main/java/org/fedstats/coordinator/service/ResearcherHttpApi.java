package org.fedstats.coordinator.service;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import java.util.Set;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.web.Route;
import org.fedstats.coordinator.web.WebResponse;

/**
 * The researcher service over HTTP with JSON bodies, under {@value #BASE}: the same operations as the gRPC
 * {@code FederationService}, its messages in protobuf's canonical JSON mapping.
 */
public final class ResearcherHttpApi {
  /** Where the API lives on the web port. */
  public static final String BASE = "/api/v1";

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final Federation federation;

  public ResearcherHttpApi(Federation federation) {
    this.federation = federation;
  }

  /** The API's routes, each taking authenticated researchers only. */
  public List<Route> routes() {
    return List.of(
        new Route(BASE + "/nodes", Set.of("GET"), true, request -> json(federation.listNodes())),
        new Route(BASE + "/datasets", Set.of("GET"), true, request -> json(federation.listDatasets())));
  }

  static WebResponse json(MessageOrBuilder message) {
    try {
      return WebResponse.json(200, PRINTER.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a response message has no JSON form: " + e.getMessage(), e);
    }
  }
}
