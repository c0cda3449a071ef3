package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeClientReasonTest {
  @Test
  void aMissedDeadlineSaysHowLongTheNodeHadNotGrpcsInternalStates() {
    Status grpc = Status.DEADLINE_EXCEEDED.withDescription("CallOptions deadline exceeded after 1.69s. Name "
        + "resolution delay 0.01 seconds. [closed=[], open=[[connecting_and_lb_delay=2063700395ns]]]");
    assertThat(NodeClient.reason(grpc, Duration.ofSeconds(2)))
        .isEqualTo("DEADLINE_EXCEEDED: no answer within 2000 ms");
  }

  @Test
  void otherFailuresKeepTheirDescription() {
    assertThat(NodeClient.reason(Status.UNAVAILABLE.withDescription("io exception"), Duration.ofSeconds(2)))
        .isEqualTo("UNAVAILABLE: io exception");
    assertThat(NodeClient.reason(Status.INTERNAL, Duration.ofSeconds(2))).isEqualTo("INTERNAL");
  }

  @Test
  void aResearchCallsFailureKeepsOnlyItsCodeAsTheNodesDescriptionMayQuoteTheRequest() {
    Status quoting = Status.UNAVAILABLE.withDescription("dataset colon unavailable for formula 'status ~ secret_var'");
    assertThat(NodeClient.callReason(quoting, Duration.ofSeconds(2))).isEqualTo("UNAVAILABLE on a research call");
    assertThat(NodeClient.callReason(Status.DEADLINE_EXCEEDED, Duration.ofSeconds(2)))
        .isEqualTo("DEADLINE_EXCEEDED: no answer within 2000 ms");
  }
}
