package org.fedstats.coordinator.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLParameters;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.identity.Authenticator;
import org.fedstats.coordinator.identity.OidcVerifier;
import org.fedstats.coordinator.identity.Researcher;
import org.fedstats.pki.Role;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.PeerIdentity;

/**
 * The coordinator's web port ({@code web-listen}): the dashboard and the researcher HTTP/JSON API, on the JDK's HTTP
 * server. A coordinator with TLS files serves HTTPS with its certificate and asks for a client certificate (a
 * researcher's, from the federation CA); callers are authenticated exactly as on the gRPC researcher service (a
 * bearer token, else the certificate; a coordinator that takes neither records the {@code fedstats-user} header as
 * a claim). A plaintext coordinator serves plain HTTP. Each request runs on a virtual thread of its own.
 */
public final class WebServer implements AutoCloseable {
  /** The largest request body taken; larger ones are answered 413. */
  public static final int MAX_BODY_BYTES = org.fedstats.common.Contract.MAX_REQUEST_BYTES;
  /** The header a plaintext coordinator's callers state their name in (as gRPC's {@code fedstats-user}). */
  public static final String USER_HEADER = "fedstats-user";

  private static final Logger LOG = Logger.getLogger(WebServer.class.getName());

  private final HttpServer server;
  private final ExecutorService executor;
  private final String scheme;
  private final String host;

  private WebServer(HttpServer server, ExecutorService executor, String scheme, String host) {
    this.server = server;
    this.executor = executor;
    this.scheme = scheme;
    this.host = host;
  }

  /**
   * Serves {@code routes} at {@code at} (port 0: any free port): HTTPS with {@code tls} if present (a client
   * certificate required unless {@code tokens}, i.e. unless researchers may come with a bearer token instead), else
   * plain HTTP. The longest matching route prefix takes a request; none: 404.
   */
  public static WebServer start(HostPort at, Optional<FederationTls> tls, boolean tokens,
      Authenticator authenticator, List<Route> routes) throws IOException {
    List<Route> ordered = routes.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length())
        .reversed()).toList();
    HttpServer server;
    InetSocketAddress address = new InetSocketAddress(at.host(), at.port());
    try {
      if (tls.isPresent()) {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.get().jdkContext()) {
          @Override
          public void configure(HttpsParameters parameters) {
            SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
            ssl.setProtocols(FederationTls.protocols().toArray(String[]::new));
            if (tokens) {
              ssl.setWantClientAuth(true);
            } else {
              ssl.setNeedClientAuth(true);
            }
            parameters.setSSLParameters(ssl);
          }
        });
        server = https;
      } else {
        server = HttpServer.create(address, 0);
      }
    } catch (IOException e) {
      throw new IOException("coordinator cannot serve its web port on " + at + ": "
          + (HostPort.inUse(e) ? "the address is in use" : e.getMessage()), e);
    }
    ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("web-", 0).factory());
    server.createContext("/", exchange -> serve(exchange, ordered, authenticator));
    server.setExecutor(executor);
    server.start();
    return new WebServer(server, executor, tls.isPresent() ? "https" : "http", at.host());
  }

  private static void serve(HttpExchange exchange, List<Route> routes, Authenticator authenticator) {
    try (exchange) {
      WebResponse response;
      try {
        response = answer(exchange, routes, authenticator);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "web request " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
            + " failed", e);
        response = WebResponse.error(500, "INTERNAL", "the coordinator could not answer: "
            + e.getClass().getSimpleName());
      }
      send(exchange, response);
    } catch (IOException e) {
      LOG.log(Level.FINE, "web client went away", e);
    }
  }

  private static WebResponse answer(HttpExchange exchange, List<Route> routes, Authenticator authenticator)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    Optional<Route> route = routes.stream().filter(r -> r.matches(path)).findFirst();
    if (route.isEmpty()) {
      return WebResponse.error(404, "NOT_FOUND", "nothing at " + path);
    }
    if (!route.get().methods().contains(method)) {
      return WebResponse.error(405, "UNIMPLEMENTED", path + " takes " + String.join(", ",
          route.get().methods().stream().sorted().toList()) + ", not " + method)
          .withHeader("Allow", String.join(", ", route.get().methods().stream().sorted().toList()));
    }
    Optional<PeerIdentity> certificate = exchange instanceof HttpsExchange https
        ? PeerIdentity.peerCertificate(https.getSSLSession()).flatMap(PeerIdentity::of) : Optional.empty();
    if (certificate.isPresent() && certificate.get().role() != Role.RESEARCHER) {
      return WebResponse.error(403, "PERMISSION_DENIED", "this port serves researchers; the certificate presented "
          + "is of " + certificate.get().describe());
    }
    Researcher researcher;
    try {
      researcher = authenticator.authenticate(certificate, exchange.getRequestHeaders().getFirst("Authorization"),
          exchange.getRequestHeaders().getFirst(USER_HEADER));
    } catch (OidcVerifier.Refused e) {
      if (route.get().authenticated()) {
        LOG.info(() -> "web call from " + exchange.getRemoteAddress() + " refused: " + e.getMessage());
        return WebResponse.error(401, "UNAUTHENTICATED", e.getMessage())
            .withHeader("WWW-Authenticate", "Bearer");
      }
      researcher = Researcher.claimed("anonymous");
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      return WebResponse.error(413, "INVALID_ARGUMENT", "the request body is larger than " + MAX_BODY_BYTES
          + " bytes");
    }
    if (body.length > 0 && !json(exchange.getRequestHeaders().getFirst("Content-Type"))) {
      // A browser sends a cross-site form (urlencoded, multipart, text/plain) with the user's client certificate
      // and without asking first; a JSON body it sends cross-site only after a CORS preflight, which this port
      // never grants. So a page elsewhere cannot run an analysis with a researcher's certificate.
      return WebResponse.error(415, "INVALID_ARGUMENT", "a request body must be JSON, sent with 'Content-Type: "
          + "application/json'");
    }
    String requester = researcher.name() + "@" + exchange.getRemoteAddress();
    return route.get().handler().handle(new WebRequest(method, path,
        WebRequest.parseQuery(exchange.getRequestURI().getRawQuery()), body, researcher, requester));
  }

  /** Whether a Content-Type header names JSON ({@code application/json}, any parameters). */
  static boolean json(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
        .equalsIgnoreCase("application/json");
  }

  private static void send(HttpExchange exchange, WebResponse response) throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", response.contentType());
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Cache-Control", "no-store");
    response.headers().forEach(headers::set);
    byte[] body = response.body();
    if (exchange.getRequestMethod().equals("HEAD") || body.length == 0) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The port served on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The base address, e.g. {@code https://127.0.0.1:8443}. */
  public String url() {
    return scheme + "://" + new HostPort(host, port());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
