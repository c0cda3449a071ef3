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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLParameters;
import org.fedstats.common.Contract;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.identity.Authenticator;
import org.fedstats.coordinator.identity.OidcVerifier;
import org.fedstats.coordinator.identity.Researcher;
import org.fedstats.pki.Role;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.PeerIdentity;
import org.fedstats.pki.tls.PeerIdentityInterceptor;

/**
 * The coordinator's web port ({@code web-listen}): the dashboard and the researcher HTTP/JSON API, on the JDK's HTTP
 * server. A coordinator with TLS files serves HTTPS with its certificate and asks for a client certificate (a
 * researcher's, from the federation CA); callers are authenticated exactly as on the gRPC researcher service (a
 * bearer token, else the certificate; a coordinator that takes neither records the {@code fedstats-user} header as
 * a claim); each request's client certificate is checked against the revocation list in force, as each gRPC call's
 * is, so a revocation reaches kept-alive connections and resumed TLS sessions at their next request. A plaintext
 * coordinator serves plain HTTP, answering only requests addressed (Host) to the port's own name, or on loopback
 * to 127.0.0.1, localhost or [::1] (a page elsewhere cannot rebind a name of its own to it); on a wildcard address
 * any name is taken, there being none to check against. Bearer tokens are not taken over plain HTTP but on loopback.
 *
 * <p>Each request runs on a virtual thread of its own, at most {@code maxHandlers} at once (more: 503 with
 * Retry-After); a request body is read only by an authenticated route that takes one (not GET or HEAD). The JDK
 * server's connection limits are system properties read once, when its first server is made: {@link
 * #connectionLimits()} sets those the operator did not.
 */
public final class WebServer implements AutoCloseable {
  /** The largest request body taken; larger ones are answered 413. */
  public static final int MAX_BODY_BYTES = org.fedstats.common.Contract.MAX_REQUEST_BYTES;
  /** The header a plaintext coordinator's callers state their name in (as gRPC's {@code fedstats-user}). */
  public static final String USER_HEADER = Contract.USER_HEADER.name();
  /** How long a refused caller is asked to wait before trying again, in seconds (503's Retry-After). */
  static final int RETRY_AFTER_SECONDS = 1;
  /**
   * The JDK HTTP server's limits set unless the operator set them ({@code -D}): the seconds a client may take to send
   * a request's headers and body, after which its connection is closed (by default, forever), and the connections open
   * at once. Not {@code sun.net.httpserver.maxRspTime}: it counts the handler's time too, which an analysis needs.
   * And no unread request body is drained to keep its connection (by default up to 64 KiB, waiting for it): the
   * connection is closed after the answer. Idle keep-alive connections are closed after {@code
   * sun.net.httpserver.idleInterval} (the JDK's default: 30 s).
   */
  static final java.util.Map<String, String> CONNECTION_LIMITS = java.util.Map.of(
      "sun.net.httpserver.maxReqTime", "60",
      "jdk.httpserver.maxConnections", "1000",
      "sun.net.httpserver.drainAmount", "0");

  private static final Logger LOG = Logger.getLogger(WebServer.class.getName());

  static {
    connectionLimits();
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String scheme;
  private final String host;
  private final State state;

  /** What each request is checked against. */
  private static final class State {
    final Optional<FederationTls> tls;
    final Authenticator authenticator;
    final List<Route> routes;
    final Semaphore handlers;
    /** The Host header values taken over plain HTTP (lower case); empty: any. */
    volatile Optional<Set<String>> hosts = Optional.empty();
    volatile boolean stopping;

    State(Optional<FederationTls> tls, Authenticator authenticator, List<Route> routes, int maxHandlers) {
      this.tls = tls;
      this.authenticator = authenticator;
      this.routes = routes;
      this.handlers = new Semaphore(maxHandlers);
    }
  }

  private WebServer(HttpServer server, ExecutorService executor, String scheme, String host, State state) {
    this.server = server;
    this.executor = executor;
    this.scheme = scheme;
    this.host = host;
    this.state = state;
  }

  /**
   * Sets the JDK HTTP server's {@link #CONNECTION_LIMITS} the operator did not set. They take effect only if no JDK
   * HTTP server was made before in this process (the JDK reads them once): call this before any (the metrics port's
   * too). Idempotent.
   */
  public static void connectionLimits() {
    CONNECTION_LIMITS.forEach((name, value) -> {
      if (System.getProperty(name) == null) {
        System.setProperty(name, value);
      }
    });
  }

  /**
   * Serves {@code routes} at {@code at} (port 0: any free port): HTTPS with {@code tls} if present (a client
   * certificate required unless {@code tokens}, i.e. unless researchers may come with a bearer token instead), else
   * plain HTTP. The longest matching route prefix takes a request; none: 404. At most {@code maxHandlers} requests
   * are handled at once. Refuses to serve bearer {@code tokens} over plain HTTP but on a loopback address.
   */
  public static WebServer start(HostPort at, Optional<FederationTls> tls, boolean tokens,
      Authenticator authenticator, List<Route> routes, int maxHandlers) throws IOException {
    if (maxHandlers < 1) {
      throw new IllegalArgumentException("the web port handles at least 1 request at once, not " + maxHandlers);
    }
    InetAddress bound = resolve(at);
    if (tls.isEmpty() && tokens && !bound.isLoopbackAddress()) {
      throw new IOException("coordinator will not serve web-listen " + at + " over plain HTTP with oidc: browsers "
          + "and clients would send their bearer tokens in clear; give the coordinator tls files, or put web-listen "
          + "on a loopback address (127.0.0.1 or [::1]) behind a TLS proxy");
    }
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
    State state = new State(tls, authenticator, ordered, maxHandlers);
    if (tls.isEmpty() && !bound.isAnyLocalAddress()) {
      state.hosts = Optional.of(hosts(at.host(), bound.isLoopbackAddress(), server.getAddress().getPort()));
    }
    ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("web-", 0).factory());
    server.createContext("/", exchange -> serve(exchange, state));
    server.setExecutor(executor);
    server.start();
    return new WebServer(server, executor, tls.isPresent() ? "https" : "http", at.host(), state);
  }

  private static InetAddress resolve(HostPort at) throws IOException {
    try {
      return InetAddress.getByName(at.host());
    } catch (IOException e) {
      throw new IOException("coordinator cannot serve its web port on " + at + ": " + e.getMessage(), e);
    }
  }

  /** The Host header values a plaintext port at {@code host}:{@code port} answers. */
  static Set<String> hosts(String host, boolean loopback, int port) {
    Set<String> names = new HashSet<>();
    List<String> hosts = loopback ? List.of(host, "127.0.0.1", "localhost", "::1") : List.of(host);
    for (String h : hosts) {
      String name = h.contains(":") ? "[" + h + "]" : h;
      names.add((name + ":" + port).toLowerCase(Locale.ROOT));
      if (port == 80) {
        names.add(name.toLowerCase(Locale.ROOT));
      }
    }
    return Set.copyOf(names);
  }

  private static void serve(HttpExchange exchange, State state) {
    try (exchange) {
      WebResponse response;
      boolean acquired = false;
      try {
        if (state.stopping) {
          response = WebResponse.error(503, "UNAVAILABLE", "the coordinator is stopping")
              .withHeader("Connection", "close");
        } else if (!state.handlers.tryAcquire()) {
          response = WebResponse.error(503, "UNAVAILABLE", "the coordinator's web port is answering as many "
              + "requests as it takes at once; try again shortly")
              .withHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)).withHeader("Connection", "close");
        } else {
          acquired = true;
          response = answer(exchange, state);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "web request " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
            + " failed", e);
        response = WebResponse.error(500, "INTERNAL", "the coordinator could not answer: "
            + e.getClass().getSimpleName());
      }
      if (acquired) {
        // The work is done; sending is the connection's, bounded by its own limits.
        state.handlers.release();
      }
      send(exchange, response);
    } catch (IOException e) {
      LOG.log(Level.FINE, "web client went away", e);
    }
  }

  private static WebResponse answer(HttpExchange exchange, State state) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    if (state.hosts.isPresent()) {
      String named = exchange.getRequestHeaders().getFirst("Host");
      if (named == null || !state.hosts.get().contains(named.strip().toLowerCase(Locale.ROOT))) {
        // A page elsewhere whose name was made to resolve here (DNS rebinding) sends its own name.
        return WebResponse.error(421, "PERMISSION_DENIED", "this port answers requests for "
            + String.join(", ", state.hosts.get().stream().sorted().toList()) + " only, not for Host '"
            + (named == null ? "" : named) + "'");
      }
    }
    Optional<Route> route = state.routes.stream().filter(r -> r.matches(path)).findFirst();
    if (route.isEmpty()) {
      return WebResponse.notFound(path);
    }
    if (!route.get().methods().contains(method)) {
      return WebResponse.error(405, "UNIMPLEMENTED", path + " takes " + String.join(", ",
          route.get().methods().stream().sorted().toList()) + ", not " + method)
          .withHeader("Allow", String.join(", ", route.get().methods().stream().sorted().toList()));
    }
    Optional<X509Certificate> presented = exchange instanceof HttpsExchange https
        ? PeerIdentity.peerCertificate(https.getSSLSession()) : Optional.empty();
    if (presented.isPresent() && state.tls.isPresent()) {
      // Every request, as every gRPC call: a TLS session outlives a revocation (kept alive, or resumed).
      Optional<io.grpc.Status> refused = PeerIdentityInterceptor.refusal(state.tls.get().revocations(),
          presented.get());
      if (refused.isPresent()) {
        LOG.info(() -> "web call from " + exchange.getRemoteAddress() + " refused: "
            + refused.get().getDescription());
        return WebResponse.error(refused.get()).withHeader("Connection", "close");
      }
    }
    Optional<PeerIdentity> certificate = presented.flatMap(PeerIdentity::of);
    if (certificate.isPresent() && certificate.get().role() != Role.RESEARCHER) {
      return WebResponse.error(403, "PERMISSION_DENIED", "this port serves researchers; the certificate presented "
          + "is of " + certificate.get().describe());
    }
    Researcher researcher;
    try {
      researcher = state.authenticator.authenticate(certificate, exchange.getRequestHeaders().getFirst("Authorization"),
          exchange.getRequestHeaders().getFirst(USER_HEADER));
    } catch (OidcVerifier.Refused e) {
      if (route.get().authenticated()) {
        LOG.info(() -> "web call from " + exchange.getRemoteAddress() + " refused: " + e.getMessage());
        return WebResponse.error(401, "UNAUTHENTICATED", e.getMessage())
            .withHeader("WWW-Authenticate", "Bearer");
      }
      researcher = Researcher.claimed("anonymous");
    }
    byte[] body = new byte[0];
    boolean takesBody = route.get().authenticated() && !method.equals("GET") && !method.equals("HEAD");
    if (!takesBody && declaresBody(exchange)) {
      // Not read: a slow or endless body must not hold a handler where none is wanted.
      return WebResponse.error(413, "INVALID_ARGUMENT", method + " " + path + " takes no request body")
          .withHeader("Connection", "close");
    }
    if (takesBody) {
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
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
    return route.get().handler().handle(new WebRequest(method, path, body, researcher, requester));
  }

  /** Whether the request says a body follows (a Content-Length above 0, or a Transfer-Encoding). */
  private static boolean declaresBody(HttpExchange exchange) {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    return exchange.getRequestHeaders().containsKey("Transfer-Encoding")
        || (length != null && !length.strip().equals("0"));
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

  /**
   * Stops taking connections at once (requests on those kept open are answered 503 UNAVAILABLE) and lets the
   * requests in flight finish, up to {@code grace}, then closes every connection; done when the returned future is.
   * The caller need not wait: a coordinator drains its gRPC port meanwhile.
   */
  public CompletableFuture<Void> stop(Duration grace) {
    state.stopping = true;
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    // The JDK's stop waits whole seconds; a stop still waiting when the grace is over is interrupted, which makes it
    // close the connections at once.
    int seconds = (int) Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000);
    Thread stopper = Thread.ofPlatform().daemon().name("web-stop").start(() -> {
      try {
        server.stop(seconds);
      } finally {
        executor.shutdownNow();
        stopped.complete(null);
      }
    });
    if (seconds > 0) {
      CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
        if (!stopped.isDone()) {
          stopper.interrupt();
        }
      });
    }
    return stopped;
  }

  /** Stops at once: requests in flight are cut off. */
  @Override
  public void close() {
    stop(Duration.ZERO).join();
  }
}
