package org.fedstats.node.disclosure;

import java.util.Objects;

/** Why an output may not leave the node: the rule, its threshold, and a reason that never states the offending value. */
public record Refusal(DisclosureRule rule, int threshold, String reason) {
  public Refusal {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(reason, "reason");
  }

  public org.fedstats.proto.v1.Refusal toProto() {
    return org.fedstats.proto.v1.Refusal.newBuilder()
        .setRule(rule.id())
        .setThreshold(threshold)
        .setReason(reason)
        .build();
  }
}
