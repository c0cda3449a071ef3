package org.fedstats.node.noise;

import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.common.Contract;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.RecordSets;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.disclosure.noise.BoundedSum;
import org.fedstats.node.disclosure.noise.BudgetExceededException;
import org.fedstats.node.disclosure.noise.GaussianMechanism;
import org.fedstats.node.disclosure.noise.LaplaceMechanism;
import org.fedstats.node.disclosure.noise.MeanMechanism;
import org.fedstats.node.disclosure.noise.NoiseMechanism;
import org.fedstats.node.disclosure.noise.PerturbationTable;
import org.fedstats.node.disclosure.noise.PrivacyCost;
import org.fedstats.node.disclosure.noise.PrivacyLedger;
import org.fedstats.node.disclosure.noise.Rational;
import org.fedstats.node.disclosure.noise.RecordKeys;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.Perturbation;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;

/**
 * The node's noise, applied to a result after its analysis computed the exact values and after every threshold
 * rule passed, as the dataset's {@link NoisePolicy} says:
 *
 * <ul>
 *   <li>cell-key: counts, table (and chi-squared) cells and histogram bins, each perturbed by the
 *       {@link PerturbationTable} under the key of its records (the sum of their {@link RecordKeys} modulo 2³²,
 *       over the dataset's row ids), so the same records always give the same count; no budget is spent. Other
 *       analyses are released as computed.</li>
 *   <li>dp-laplace / dp-gaussian: counts, table cells and histogram bins (one release of disjoint cells: one
 *       query's cost) get fresh noise, floored at 0; a summary releases a noisy n and mean through the
 *       {@link MeanMechanism} over the variable's declared bounds (its missing count and M2 are not released, so
 *       they are 0). The query's cost is spent in the ledger before any noise is drawn; a spend past the budget is
 *       refused under {@code privacy-budget}. Summaries of variables without declared bounds are refused under
 *       {@code privacy-bounds}, and analyses with no DP release (models, correlation, chi-squared, meta-analysis)
 *       under {@code no-dp-release}, before they run.</li>
 * </ul>
 */
public final class NoiseStep {
  private final NodeNoise noise;

  public NoiseStep(NodeNoise noise) {
    this.noise = Objects.requireNonNull(noise, "noise");
  }

  /** The analyses whose results have a DP release. */
  private static final List<String> DP_RELEASES = List.of("count", "table", "histogram", "summary");

  /** What the step decided: the result to release, or a refusal. */
  public sealed interface Outcome permits Noised, Withheld {}

  /** The result has no release under the policy (the budget cannot pay for it). */
  public record Withheld(Refusal refusal) implements Outcome {
    public Withheld {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /** A result as released, and what was done to it (empty when nothing). */
  public record Noised(AnalysisResult result, Optional<Perturbation> perturbation) implements Outcome {
    public Noised {
      Objects.requireNonNull(result, "result");
      Objects.requireNonNull(perturbation, "perturbation");
    }
  }

  /** Whether the policy lets the analysis run at all: under DP, only those with a DP release, and bounded means. */
  public static Optional<Refusal> precheck(NoisePolicy policy, String analysisId, Analysis request) {
    if (!policy.mode().differentialPrivacy()) {
      return Optional.empty();
    }
    if (!DP_RELEASES.contains(analysisId)) {
      return Optional.of(new Refusal(DisclosureRule.NO_DP_RELEASE, 0, "this dataset releases results under "
          + "differential privacy, and " + analysisId + " has no differentially private release yet; counts, "
          + "tables, histograms and summaries of bounded variables have"));
    }
    if (analysisId.equals("summary") && !policy.bounds().containsKey(request.getSummary().getVariable())) {
      return Optional.of(new Refusal(DisclosureRule.PRIVACY_BOUNDS, 0, "under differential privacy a summary needs "
          + "the variable's bounds declared in the dataset's noise policy, and " + request.getSummary().getVariable()
          + " has none"));
    }
    return Optional.empty();
  }

  /**
   * Applies the policy to an analysis's release; a refusal when the researcher's budget cannot pay for it.
   *
   * @param researcher who asks, as the coordinator reports it ({@link Contract#researcher}: whose budget pays)
   * @param requestId recorded with the spend
   */
  public Outcome apply(NoisePolicy policy, String dataset, DatasetSchema schema, String researcher, String requestId,
      String analysisId, Analysis request, Release release, LocalData data) throws SQLException {
    AnalysisResult result = release.result();
    return switch (policy.mode()) {
      case NONE -> new Noised(result, Optional.empty());
      case CELL_KEY -> cellKey(policy.cellKey(), noise.keys(dataset), analysisId, release, data);
      case DP_LAPLACE, DP_GAUSSIAN -> differentiallyPrivate(policy, dataset, schema, researcher, requestId,
          analysisId, request, result, data);
    };
  }

  private static Noised cellKey(PerturbationTable table, RecordKeys keys, String analysisId, Release release,
      LocalData data) throws SQLException {
    AnalysisResult result = release.result();
    AnalysisResult.Builder out = result.toBuilder();
    switch (result.getKindCase()) {
      case COUNT -> {
        Map<List<Object>, Long> k = cellKeys(data, data.recordSets(List.of(), List.of(), "TRUE"), keys);
        long count = result.getCount().getCount();
        out.getCountBuilder().setCount(table.perturb(count, k.getOrDefault(List.of(), 0L)));
      }
      case TABLE -> {
        Map<List<Object>, Long> k = cellKeys(data, release.recordSets().get(0), keys);
        Map<List<String>, Long> byLevel = new HashMap<>();
        k.forEach((key, cellKey) -> byLevel.put(key.stream().map(NoiseStep::level).toList(), cellKey));
        TableResult.Builder t = out.getTableBuilder();
        boolean twoWay = !t.getColumnVariable().isEmpty();
        for (TableCell.Builder cell : t.getCellsBuilderList()) {
          List<String> key = twoWay ? List.of(cell.getRow(), cell.getColumn()) : List.of(cell.getRow());
          cell.setCount(table.perturb(cell.getCount(), byLevel.getOrDefault(key, 0L)));
        }
      }
      case HISTOGRAM -> {
        Map<List<Object>, Long> k = cellKeys(data, release.recordSets().get(0), keys);
        Map<Integer, Long> byBin = new HashMap<>();
        k.forEach((key, cellKey) -> byBin.put(((Number) key.get(0)).intValue(), cellKey));
        HistogramResult.Builder h = out.getHistogramBuilder();
        int bins = h.getCountsCount();
        for (int i = 0; i < bins; i++) {
          h.setCounts(i, table.perturb(h.getCounts(i), byBin.getOrDefault(i, 0L)));
        }
        h.setBelow(table.perturb(h.getBelow(), byBin.getOrDefault(-1, 0L)));
        h.setAbove(table.perturb(h.getAbove(), byBin.getOrDefault(bins, 0L)));
        h.setMissing(table.perturb(h.getMissing(), byBin.getOrDefault(-2, 0L)));
      }
      default -> {
        return new Noised(result, Optional.empty());
      }
    }
    return new Noised(out.build(), Optional.of(Perturbation.newBuilder().setMethod(NoisePolicy.Mode.CELL_KEY.id())
        .setMaxNoise(table.maxNoise()).build()));
  }

  /** A table cell's level as the table names it. */
  private static String level(Object value) {
    return value == null ? Contract.MISSING_LEVEL : String.valueOf(value);
  }

  /** The cell key of each set the query selects: the sum of its records' keys modulo 2³². */
  private static Map<List<Object>, Long> cellKeys(LocalData data, RecordSets query, RecordKeys keys)
      throws SQLException {
    Map<List<Object>, Long> byKey = new HashMap<>();
    try (PreparedStatement ps = data.prepare(query.sql(), query.params()); ResultSet rs = ps.executeQuery()) {
      int columns = rs.getMetaData().getColumnCount() - 1;
      while (rs.next()) {
        List<Object> key = new ArrayList<>(columns);
        for (int i = 0; i < columns; i++) {
          key.add(rs.getObject(i + 2));
        }
        long recordKey = keys.recordKey(rs.getLong(1));
        byKey.merge(key, recordKey, RecordKeys::addKeys);
      }
    }
    return byKey;
  }

  private Outcome differentiallyPrivate(NoisePolicy policy, String dataset, DatasetSchema schema, String researcher,
      String requestId, String analysisId, Analysis request, AnalysisResult result, LocalData data)
      throws SQLException {
    PrivacyCost cost = policy.costPerQuery();
    PrivacyLedger ledger = noise.ledger().orElseThrow(() -> new IllegalStateException("no privacy ledger open"));
    // A summary's exact grid sum is read before the spend; no noise is drawn before it.
    long[] gridSumAndCount = null;
    BoundedSum bounds = null;
    if (result.getKindCase() == AnalysisResult.KindCase.SUMMARY) {
      bounds = policy.bounds().get(request.getSummary().getVariable());
      gridSumAndCount = gridSum(data, schema.require(request.getSummary().getVariable()), bounds);
    }
    PrivacyCost remaining;
    try {
      // The budget is the researcher's, whatever connection the request came over.
      remaining = ledger.spend(Contract.researcher(researcher), dataset, cost, requestId);
    } catch (BudgetExceededException e) {
      boolean delta = e.budget().delta().signum() > 0;
      return new Withheld(new Refusal(DisclosureRule.PRIVACY_BUDGET, 0, "the release would spend "
          + describe(cost, delta) + " of the researcher's privacy budget on this dataset (" + describe(e.budget(), delta)
          + "), of which " + describe(e.remaining(), delta) + " is left"));
    } catch (UncheckedIOException e) {
      throw new IllegalStateException("the privacy ledger cannot be written", e);
    }
    Perturbation.Builder perturbation = Perturbation.newBuilder().setMethod(policy.mode().id())
        .setEpsilonSpent(cost.epsilon().toPlainString()).setDeltaSpent(cost.delta().toPlainString())
        .setEpsilonRemaining(remaining.epsilon().toPlainString())
        .setDeltaRemaining(remaining.delta().toPlainString());
    Rational epsilon = Rational.of(policy.epsilonPerQuery());
    NoiseMechanism counts = policy.mode() == NoisePolicy.Mode.DP_LAPLACE
        ? LaplaceMechanism.forCounts(epsilon, noise.sampler())
        : GaussianMechanism.forBudget(policy.epsilonPerQuery(), policy.deltaPerQuery(), 1, noise.sampler());
    AnalysisResult.Builder out = result.toBuilder();
    switch (result.getKindCase()) {
      case COUNT -> out.getCountBuilder().setCount(counts.releaseCount(result.getCount().getCount()));
      case TABLE -> {
        TableResult.Builder t = out.getTableBuilder();
        long[] exact = t.getCellsList().stream().mapToLong(TableCell::getCount).toArray();
        long[] noisy = counts.releaseCells(exact);
        for (int i = 0; i < noisy.length; i++) {
          t.getCellsBuilder(i).setCount(Math.max(0, noisy[i]));
        }
      }
      case HISTOGRAM -> {
        HistogramResult.Builder h = out.getHistogramBuilder();
        int bins = h.getCountsCount();
        long[] exact = new long[bins + 3];
        for (int i = 0; i < bins; i++) {
          exact[i] = h.getCounts(i);
        }
        exact[bins] = h.getBelow();
        exact[bins + 1] = h.getAbove();
        exact[bins + 2] = h.getMissing();
        long[] noisy = counts.releaseCells(exact);
        for (int i = 0; i < bins; i++) {
          h.setCounts(i, Math.max(0, noisy[i]));
        }
        h.setBelow(Math.max(0, noisy[bins])).setAbove(Math.max(0, noisy[bins + 1]))
            .setMissing(Math.max(0, noisy[bins + 2]));
      }
      case SUMMARY -> {
        MeanMechanism mean = policy.mode() == NoisePolicy.Mode.DP_LAPLACE
            ? MeanMechanism.laplace(bounds, epsilon, noise.sampler())
            : MeanMechanism.gaussian(bounds, policy.epsilonPerQuery(), policy.deltaPerQuery(), noise.sampler());
        MeanMechanism.NoisyMean m = mean.release(gridSumAndCount[0], gridSumAndCount[1]);
        out.setSummary(SummaryResult.newBuilder().setN(Math.max(0, m.count())).setMissing(0)
            .setMean(m.mean().doubleValue()).setM2(0).setVariance(Double.NaN));
        perturbation.setNote("a summary under differential privacy releases a noisy n and mean only (mean clamped to ["
            + bounds.lo().toPlainString() + ", " + bounds.hi().toPlainString() + "]); its missing count, M2 and "
            + "variance are not released");
      }
      default -> throw new IllegalStateException(analysisId + " has no DP release");
    }
    return new Noised(out.build(), Optional.of(perturbation.build()));
  }

  /** "epsilon e" and, when the budget has a δ part, ", delta d". */
  private static String describe(PrivacyCost cost, boolean delta) {
    return "epsilon " + cost.epsilon().toPlainString() + (delta ? ", delta " + cost.delta().toPlainString() : "");
  }

  /** {grid sum of the variable's values clamped to the bounds, number of values} over the cohort. */
  private static long[] gridSum(LocalData data, Variable v, BoundedSum bounds) throws SQLException {
    String sql = "SELECT " + data.dialect().toDouble(v.sqlIdentifier()) + " FROM " + data.table() + " WHERE ("
        + data.cohortSql() + ") AND " + v.sqlIdentifier() + " IS NOT NULL";
    long sum = 0;
    long n = 0;
    try (PreparedStatement ps = data.prepare(sql, data.cohortParams()); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        sum = Math.addExact(sum, bounds.gridUnits(rs.getDouble(1)));
        n++;
      }
    }
    return new long[] {sum, n};
  }
}
