package org.fedstats.coordinator.federation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fedstats.common.Text;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.NodeInfo;

/**
 * Where nodes holding the same dataset have drifted apart: a node whose policy hash for a dataset differs from the
 * one most nodes holding it report (the first node's on a tie), or whose declaration of it (variables, allowed
 * analyses) differs from the first node's. Data versions differ between sites by nature and are not drift.
 */
final class Drift {
  private Drift() {}

  /**
   * One node's drift on one dataset; {@code policy} when its policy hash differs, else its declaration does. The
   * text follows the node's name: "site3 serves colon under another policy than site1, site2 (…)".
   */
  record Finding(String node, String dataset, boolean policy, String text) {}

  /** What has drifted, node by node in the order of {@code infos} (node id to what it last reported). */
  static List<Finding> of(Map<String, NodeInfo> infos) {
    List<Finding> drift = new ArrayList<>();
    Map<String, Map<String, String>> hashes = new LinkedHashMap<>();   // dataset -> node -> policy hash
    Map<String, Map<String, DatasetInfo>> declared = new LinkedHashMap<>();
    infos.forEach((id, info) -> {
      info.getDatasetStatesList().forEach(s -> hashes.computeIfAbsent(s.getDataset(), d -> new LinkedHashMap<>())
          .put(id, s.getPolicyHash()));
      info.getDatasetsList().forEach(d -> declared.computeIfAbsent(d.getName(), n -> new LinkedHashMap<>())
          .put(id, d));
    });
    hashes.forEach((dataset, byNode) -> {
      String usual = usual(byNode);
      byNode.forEach((id, hash) -> {
        if (!hash.equals(usual)) {
          List<String> same = byNode.entrySet().stream().filter(e -> e.getValue().equals(usual))
              .map(Map.Entry::getKey).toList();
          drift.add(new Finding(id, dataset, true, "serves " + dataset + " under another policy than "
              + String.join(", ", same) + " (policy hash " + Text.shortHash(hash) + ", theirs "
              + Text.shortHash(usual) + ")"));
        }
      });
    });
    declared.forEach((dataset, byNode) -> {
      DatasetInfo first = byNode.values().iterator().next();
      String firstId = byNode.keySet().iterator().next();
      byNode.forEach((id, d) -> {
        if (!d.getVariablesList().equals(first.getVariablesList())) {
          drift.add(new Finding(id, dataset, false, "declares the variables of " + dataset + " differently from "
              + firstId));
        }
        if (!d.getAnalysesList().equals(first.getAnalysesList())) {
          drift.add(new Finding(id, dataset, false, "allows analyses " + d.getAnalysesList() + " on " + dataset
              + ", node " + firstId + " allows " + first.getAnalysesList()));
        }
      });
    });
    return drift;
  }

  /** The hash most nodes report; on a tie, the first node's. */
  private static String usual(Map<String, String> byNode) {
    Map<String, Integer> counts = new TreeMap<>();
    byNode.values().forEach(h -> counts.merge(h, 1, Integer::sum));
    String best = byNode.values().iterator().next();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() > counts.get(best)) {
        best = e.getKey();
      }
    }
    return best;
  }

}
