package org.fedstats.node.gate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The node's meters (exported for Prometheus when {@code metrics-listen} is set). Their only labels are the
 * analysis, the outcome (ANSWERED, REFUSED or the error status) and a refusal's rule: nothing about a researcher,
 * a cohort or a record.
 */
final class NodeMeters {
  /** Time from a request's arrival at the gate to its answer, by analysis and outcome. */
  static final String REQUESTS = "fedstats.node.requests";
  /** Refused requests, by the rule that refused them. */
  static final String REFUSALS = "fedstats.node.refusals";
  /** Time the data engine (DuckDB over JDBC) spends on one request: its queries and the computation on them. */
  static final String ENGINE = "fedstats.node.engine";
  /** Time to write (and force to disk) one audit log entry. */
  static final String AUDIT_WRITE = "fedstats.node.audit.write";

  private NodeMeters() {}

  /** Records a handled request; {@code rule} is the refusing rule of a refused one, else null. */
  static void request(MeterRegistry meters, String analysis, String outcome, String rule, Duration took) {
    Timer.builder(REQUESTS).description("requests handled by the node's gate").tag("analysis", analysis)
        .tag("outcome", outcome).publishPercentileHistogram().register(meters).record(took);
    if (rule != null) {
      Counter.builder(REFUSALS).description("requests refused by the disclosure rules").tag("rule", rule)
          .tag("analysis", analysis).register(meters).increment();
    }
  }

  static void auditWrite(MeterRegistry meters, Duration took) {
    Timer.builder(AUDIT_WRITE).description("time to write and force one audit log entry")
        .publishPercentileHistogram().register(meters).record(took);
  }

  static void engine(MeterRegistry meters, String analysis, Duration took) {
    Timer.builder(ENGINE).description("time in the data engine (DuckDB over JDBC) per request")
        .tag("analysis", analysis).publishPercentileHistogram().register(meters).record(took);
  }
}
