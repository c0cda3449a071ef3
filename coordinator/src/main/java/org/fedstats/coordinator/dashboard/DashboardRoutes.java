package org.fedstats.coordinator.dashboard;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fedstats.common.Text;
import org.fedstats.coordinator.monitor.MonitorFeed;
import org.fedstats.coordinator.web.Route;
import org.fedstats.coordinator.web.WebRequest;
import org.fedstats.coordinator.web.WebResponse;

/**
 * The health dashboard on the coordinator's web port: the page at {@code /} and its script and style sheet under
 * {@code /dashboard/} (static, carrying no data, so served to anyone), and the data it polls under
 * {@code /dashboard/api/} (for authenticated researchers only, as the researcher API, and of them only those the
 * coordinator's {@code dashboard-viewers} names, when it names any): {@code state}, every node with
 * its history, the recent requests, refusals by rule and the coordinator's load; {@code nodes/{id}}, one node's page.
 * The page fetches nothing from anywhere else; its policy says so to the browser.
 */
public final class DashboardRoutes {
  /** Where the page's data is served. */
  public static final String API = "/dashboard/api";

  /** Only this origin's own script, style and data; no frames, no plug-ins, no inline script. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final Map<String, Asset> ASSETS = Map.of(
      "/", asset("index.html", "text/html; charset=utf-8"),
      "/dashboard", asset("index.html", "text/html; charset=utf-8"),
      "/dashboard/dashboard.js", asset("dashboard.js", "text/javascript; charset=utf-8"),
      "/dashboard/dashboard.css", asset("dashboard.css", "text/css; charset=utf-8"));

  private final MonitorFeed feed;

  private DashboardRoutes(MonitorFeed feed) {
    this.feed = feed;
  }

  /** The dashboard's routes, showing what {@code feed} records. */
  public static List<Route> of(MonitorFeed feed) {
    DashboardRoutes d = new DashboardRoutes(feed);
    return List.of(
        new Route("/", Set.of("GET", "HEAD"), false, DashboardRoutes::asset),
        new Route("/dashboard", Set.of("GET", "HEAD"), false, DashboardRoutes::asset),
        new Route(API, Set.of("GET"), true, d::api));
  }

  private static WebResponse asset(WebRequest request) {
    Asset asset = ASSETS.get(request.path());
    if (asset == null) {
      return WebResponse.notFound(request.path());
    }
    return WebResponse.ok(asset.contentType(), asset.bytes())
        .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .withHeader("Referrer-Policy", "no-referrer")
        .withHeader("X-Frame-Options", "DENY");
  }

  private WebResponse api(WebRequest request) {
    String path = request.path();
    if (!feed.shownTo(request.researcher().name())) {
      return WebResponse.error(403, "PERMISSION_DENIED", "researcher '" + Text.echo(request.researcher().name())
          + "' is not among the coordinator's dashboard-viewers");
    }
    if (path.equals(API + "/state")) {
      return WebResponse.json(200, feed.monitor().state(feed.nodes()).toString());
    }
    String nodes = API + "/nodes/";
    if (path.startsWith(nodes) && path.length() > nodes.length() && path.indexOf('/', nodes.length()) < 0) {
      String id = path.substring(nodes.length());
      return feed.monitor().node(id, feed.nodes())
          .map(page -> WebResponse.json(200, page.toString()))
          .orElseGet(() -> WebResponse.error(404, "NOT_FOUND", "no node '" + Text.echo(id)
              + "' in this federation"));
    }
    return WebResponse.notFound(path);
  }

  private static Asset asset(String name, String contentType) {
    return new Asset(WebResponse.resource(DashboardRoutes.class, name, "the dashboard's page"), contentType);
  }

  private record Asset(byte[] bytes, String contentType) {
    Asset {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

}
