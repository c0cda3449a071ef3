package org.fedstats.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.fedstats.common.HostPort;
import org.fedstats.common.testing.Probing;
import org.junit.jupiter.api.Test;

class TelemetryTest {
  @Test
  void exportsTheProcessMetersAndTheJvmsForPrometheus() throws Exception {
    try (Telemetry telemetry = Telemetry.start(Optional.of(new HostPort("127.0.0.1", 0)), "test")) {
      Counter.builder("fedstats.test.things").tag("rule", "min-cell-count").register(telemetry.registry())
          .increment(3);
      HttpResponse<String> scrape = Probing.get(telemetry.port(), "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(telemetry.url()).hasValue("http://127.0.0.1:" + telemetry.port() + "/metrics");
      assertThat(scrape.headers().firstValue("Content-Type")).hasValue(Telemetry.CONTENT_TYPE);
      assertThat(scrape.body()).contains("fedstats_test_things_total{rule=\"min-cell-count\"} 3.0")
          .contains("jvm_memory_used_bytes{", "jvm_threads_live_threads", "system_cpu_count", "process_uptime_seconds");
      assertThat(Probing.get(telemetry.port(), "/metrics/other").statusCode()).isEqualTo(404);
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + telemetry.port() + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
      }
    }
  }

  @Test
  void withoutAnAddressTheMetersStayInMemoryAndNoPortIsOpened() throws Exception {
    try (Telemetry telemetry = Telemetry.start(Optional.empty(), "test")) {
      assertThat(telemetry.port()).isEqualTo(-1);
      assertThat(telemetry.url()).isEmpty();
      assertThat(telemetry.note()).isEmpty();
      Counter.builder("fedstats.test.things").register(telemetry.registry()).increment();
      assertThat(telemetry.registry().get("fedstats.test.things").counter().count()).isEqualTo(1.0);
    }
  }

  @Test
  void aTakenAddressIsNamed() throws Exception {
    try (Telemetry first = Telemetry.start(Optional.of(new HostPort("127.0.0.1", 0)), "test")) {
      assertThatThrownBy(() -> Telemetry.start(Optional.of(new HostPort("127.0.0.1", first.port())), "node site1"))
          .hasMessage("node site1 cannot serve metrics on 127.0.0.1:" + first.port() + ": the address is in use");
    }
  }

  @Test
  void operationsKeysAreCheckedAndDefaulted() {
    assertThat(Operations.of(null, null)).isEqualTo(Operations.DEFAULT);
    assertThat(Operations.of("0.0.0.0:9464", 20_000L).metricsListen()).hasValue(new HostPort("0.0.0.0", 9464));
    assertThatThrownBy(() -> Operations.of("9464", null)).hasMessageContaining("metrics-listen must be host:port");
    assertThatThrownBy(() -> Operations.of(null, -1L)).hasMessage("shutdown-grace-ms must be 0 or more, not -1");
  }
}
