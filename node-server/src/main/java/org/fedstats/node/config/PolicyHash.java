package org.fedstats.node.config;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fedstats.common.audit.ChainedLog;
import org.fedstats.node.noise.NoisePolicy;

/**
 * A hash of the policy a dataset is served under, computed from the parsed policy (not the file): the allow-list of
 * analyses, the disclosure thresholds and the profile's output rules, the query limits and the noise policy. Two
 * nodes with the same policy get the same hash whatever the order or spelling of their configuration files (a
 * profile named or its rules written out, {@code 0.10} or {@code 0.1}), so the coordinator can tell when nodes
 * holding the same dataset drift apart.
 */
public final class PolicyHash {
  private PolicyHash() {}

  /** SHA-256, in hexadecimal, of {@link #canonical} of {@code dataset}. */
  public static String of(DatasetDefinition dataset) {
    return ChainedLog.sha256(canonical(dataset).getBytes(StandardCharsets.UTF_8));
  }

  /** The text that is hashed: one line per part of the policy, each in a fixed order and notation. */
  static String canonical(DatasetDefinition dataset) {
    NoisePolicy noise = dataset.noise();
    Map<String, String> bounds = new TreeMap<>();
    noise.bounds().forEach((variable, b) -> bounds.put(variable,
        plain(b.lo()) + ".." + plain(b.hi()) + "/" + plain(b.resolution())));
    String cellKey = noise.cellKey() == null ? "none" : noise.cellKey().maxNoise() + "," + noise.cellKey().variance()
        + "," + noise.cellKey().smallCountThreshold();
    return "analyses=" + new TreeSet<>(dataset.analyses())
        + "\ndisclosure=" + dataset.policy()
        + "\nlimits=" + dataset.limits()
        + "\nnoise=" + noise.mode() + "," + plain(noise.epsilonPerQuery()) + "," + plain(noise.deltaPerQuery()) + ","
        + plain(noise.budget().epsilon()) + "," + plain(noise.budget().delta()) + ",bounds=" + bounds
        + ",cell-key=" + cellKey + "\n";
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }
}
