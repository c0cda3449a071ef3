package org.fedstats.common.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fedstats.common.HostPort;

/**
 * A process's meters and, when configured, their export for Prometheus: {@code GET /metrics} on the JDK's HTTP
 * server at {@code metrics-listen}, in Prometheus's text format, with the JVM's own meters (memory, garbage
 * collection, threads, processor, class loading, uptime). Without an address the meters are kept in memory only and
 * no socket is opened. The meters carry no patient-level label: only analysis, rule, node and status.
 */
public final class Telemetry implements AutoCloseable {
  /** The path Prometheus scrapes. */
  public static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final MeterRegistry registry;
  private final HttpServer server;
  private final ExecutorService executor;
  private final JvmGcMetrics gc;
  private final String host;

  private Telemetry(MeterRegistry registry, HttpServer server, ExecutorService executor, JvmGcMetrics gc,
      String host) {
    this.host = host;
    this.registry = registry;
    this.server = server;
    this.executor = executor;
    this.gc = gc;
  }

  /** Meters kept in memory, exported nowhere. */
  public static Telemetry inMemory() {
    return new Telemetry(new SimpleMeterRegistry(), null, null, null, null);
  }

  /**
   * Exports at {@code listen} if present (port 0: any free port), else {@link #inMemory()}; {@code process} names
   * the process in the error message ("node site1", "coordinator").
   */
  public static Telemetry start(Optional<HostPort> listen, String process) throws IOException {
    if (listen.isEmpty()) {
      return inMemory();
    }
    HostPort at = listen.get();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(prometheus);
    new JvmThreadMetrics().bindTo(prometheus);
    new ProcessorMetrics().bindTo(prometheus);
    new ClassLoaderMetrics().bindTo(prometheus);
    new UptimeMetrics().bindTo(prometheus);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(prometheus);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(at.host(), at.port()), 0);
    } catch (IOException e) {
      gc.close();
      prometheus.close();
      throw new IOException(process + " cannot serve metrics on " + at + ": "
          + (HostPort.inUse(e) ? "the address is in use" : e.getMessage()), e);
    }
    server.createContext(PATH, exchange -> scrape(exchange, prometheus));
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metrics-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    return new Telemetry(prometheus, server, executor, gc, at.host());
  }

  private static void scrape(HttpExchange exchange, PrometheusMeterRegistry prometheus) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Where the meters go: the process registers its own meters here. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The port {@code /metrics} is served on; -1 when the meters are not exported. */
  public int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  /** Where Prometheus scrapes, {@code http://host:port/metrics}; empty when the meters are not exported. */
  public Optional<String> url() {
    return server == null ? Optional.empty()
        : Optional.of("http://" + new HostPort(host, port()) + PATH);
  }

  /** For a start line: {@code "; metrics on <url>"}, or nothing when the meters are not exported. */
  public String note() {
    return url().map(u -> "; metrics on " + u).orElse("");
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      gc.close();
    }
    registry.close();
  }
}
