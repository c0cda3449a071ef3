package org.fedstats.coordinator.service;

import io.grpc.Status;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The coordinator's meters of research requests (exported for Prometheus when {@code metrics-listen} is set). Their
 * only labels are the analysis and the gRPC status: nothing about a researcher, a dataset's content or a record.
 */
final class RequestMeters {
  /** Research requests from arrival to answer, by analysis and status (OK or the error's code). */
  static final String REQUESTS = "fedstats.coordinator.requests";
  /** How many sites an answered request went to. */
  static final String FAN_OUT = "fedstats.coordinator.fanout";
  /** Time to write (and force to disk) one coordinator audit entry. */
  static final String AUDIT_WRITE = "fedstats.coordinator.audit.write";

  private final MeterRegistry meters;
  private final DistributionSummary fanOut;
  private final Timer auditWrite;

  RequestMeters(MeterRegistry meters) {
    this.meters = meters;
    this.fanOut = DistributionSummary.builder(FAN_OUT).description("sites a research request was sent to")
        .baseUnit("sites").register(meters);
    this.auditWrite = Timer.builder(AUDIT_WRITE).description("time to write and force one audit log entry")
        .publishPercentileHistogram().register(meters);
  }

  void finished(String analysis, Status.Code status, long startNanos) {
    Timer.builder(REQUESTS).description("research requests, from arrival to answer").tag("analysis", analysis)
        .tag("status", status.name()).publishPercentileHistogram().register(meters)
        .record(Duration.ofNanos(System.nanoTime() - startNanos));
  }

  void fanOut(int sites) {
    fanOut.record(sites);
  }

  /** Times {@code write}, an audit log write. */
  void auditWrite(Runnable write) {
    auditWrite.record(write);
  }
}
