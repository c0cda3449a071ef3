package org.fedstats.node.gate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fedstats.common.Text;
import org.fedstats.node.analysis.Cancellation;
import org.fedstats.node.analysis.registry.LocalAnalyses;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.RecordSets;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DataVersion;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.dataset.SqlDialect;
import org.fedstats.node.disclosure.DisclosureControl;
import org.fedstats.node.disclosure.CountRounding;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.disclosure.Finding;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.request.FilterCompiler;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.noise.NodeNoise;
import org.fedstats.node.noise.NoisePolicy;
import org.fedstats.node.noise.NoiseStep;
import org.fedstats.node.overlap.ReleasedSets;
import org.fedstats.node.request.SqlFragment;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Filter;
import org.roaringbitmap.RoaringBitmap;

/**
 * The node's analysis pipeline, the same for every analysis and every transport: the allow-list, the request's
 * validation against the dataset's declaration, the cohort (compiled to parameterised SQL) and its disclosure
 * rules, the analysis's local step, and disclosure control of what that step releases. Audit and reply are the
 * {@link NodeGate}'s.
 */
public final class AnalysisEngine implements AnalysisRunner {
  private final NodeSettings settings;
  private final DatasetStore store;
  private final RecordSetCache recordSetCache = new RecordSetCache(RecordSetCache.MAX_BYTES);
  private final NoiseStep noise;

  /** An engine for datasets without noise. */
  public AnalysisEngine(NodeSettings settings, DatasetStore store) {
    this(settings, store, NodeNoise.none());
  }

  /** An engine adding the noise of the datasets' policies, with the node's noise state. */
  public AnalysisEngine(NodeSettings settings, DatasetStore store, NodeNoise noise) {
    this.settings = settings;
    this.store = store;
    this.noise = new NoiseStep(noise);
  }

  /**
   * A request, parsed: the dataset it targets, its cohort filter, the analysis it asks for, and who asks under
   * which request id (the privacy budget a noisy release spends is the researcher's).
   */
  public record Request(String dataset, boolean hasFilter, Filter filter, Analysis analysis, String researcher,
      String requestId) {
    public Request {
      researcher = researcher == null ? "" : researcher;
      requestId = requestId == null ? "" : requestId;
    }

    /** A request of no named researcher. */
    public Request(String dataset, boolean hasFilter, Filter filter, Analysis analysis) {
      this(dataset, hasFilter, filter, analysis, "", "");
    }
  }

  /** Runs a request to its end (nothing can cancel it). */
  public NodeOutcome run(Request request) throws SQLException {
    return run(request, new Cancellation());
  }

  @Override
  public NodeOutcome run(Request request, Cancellation cancellation) throws SQLException {
    DatasetDefinition dataset = settings.dataset(request.dataset()).orElseThrow(() -> unknownDataset(request));
    LocalAnalysis<?> analysis = LocalAnalyses.of(request.analysis()).orElseThrow(() -> RequestException.invalid(
        request.analysis().getKindCase() == Analysis.KindCase.KIND_NOT_SET
            ? "the request names no analysis"
            : "node " + settings.nodeId() + " does not run " + request.analysis().getKindCase().name()
                .toLowerCase(Locale.ROOT) + " analyses"));
    if (!dataset.analyses().contains(analysis.id())) {
      throw RequestException.denied("analysis " + analysis.id() + " is not enabled for dataset " + dataset.name()
          + " on node " + settings.nodeId());
    }
    return run(analysis, request, dataset, cancellation);
  }

  private <P> NodeOutcome run(LocalAnalysis<P> analysis, Request request, DatasetDefinition dataset,
      Cancellation cancellation) throws SQLException {
    SqlFragment cohort = FilterCompiler.compile(dataset.schema(), request.hasFilter(), request.filter());
    // Validate the analysis itself before touching any data.
    DisclosurePolicy policy = dataset.policy();
    P params = analysis.validate(request.analysis(), dataset.schema(), policy);
    Optional<Refusal> noRelease = NoiseStep.precheck(dataset.noise(), analysis.id(), request.analysis());
    if (noRelease.isPresent()) {
      return new NodeOutcome.Refused(noRelease.get());
    }
    String table = store.relation(dataset.name());
    SqlDialect dialect = store.dialect(dataset.name());
    try (Connection connection = store.connection(dataset.name())) {
      LocalData data = new LocalData(connection, dialect, cancellation, table, cohort, 0);
      long[] sizes = cohort(data);
      Optional<Refusal> refusal = DisclosureControl.checkCohort(policy, sizes[0], sizes[1]);
      if (refusal.isPresent()) {
        return new NodeOutcome.Refused(refusal.get());
      }
      Release release = analysis.compute(params, new LocalData(connection, dialect, cancellation, table, cohort,
          sizes[0]));
      // Rules the dataset's policy reviews hold the output for its steward instead of refusing it.
      List<DisclosureControl.Broken> broken = DisclosureControl.broken(policy, release.released());
      Optional<DisclosureControl.Broken> refusing = broken.stream()
          .filter(b -> !policy.review().reviews(b.refusal().rule())).findFirst();
      if (refusing.isPresent()) {
        return new NodeOutcome.Refused(refusing.get().refusal());
      }
      List<Finding> evidence = new ArrayList<>(broken.stream().map(DisclosureControl.Broken::finding).toList());
      if (policy.review().reviewsEvery(analysis.id())) {
        evidence.add(new Finding(Finding.ANALYSIS, "every " + analysis.id() + " output of dataset " + dataset.name()
            + " is reviewed by its data steward", ""));
      }
      NodeOutcome outcome = release(request, dataset, analysis, release, data);
      return evidence.isEmpty() || !(outcome instanceof NodeOutcome.Answered answered) ? outcome
          : new NodeOutcome.Held(answered, evidence);
    }
  }

  /** The release's record sets (when audited), counts rounded and noise added as the dataset's policy says. */
  private NodeOutcome release(Request request, DatasetDefinition dataset, LocalAnalysis<?> analysis, Release release,
      LocalData data) throws SQLException {
    DisclosurePolicy policy = dataset.policy();
    Optional<ReleasedSets> sets = Optional.empty();
    if (policy.overlapAudit()) {
      sets = Optional.of(new ReleasedSets(dataset.name(), store.version(dataset.name()),
          recordSets(data, dataset.name(), store.version(dataset.name()), release.recordSets())));
    }
    if (dataset.noise().mode() == NoisePolicy.Mode.NONE) {
      return new NodeOutcome.Answered(CountRounding.apply(policy.rules(), release.result()), sets);
    }
    // Rounding a perturbed count is post-processing: it discloses nothing the perturbed count did not.
    return switch (noise.apply(dataset.noise(), dataset.name(), dataset.schema(), request.researcher(),
        request.requestId(), analysis.id(), request.analysis(), release, data)) {
      case NoiseStep.Withheld w -> new NodeOutcome.Refused(w.refusal());
      case NoiseStep.Noised n -> new NodeOutcome.Answered(CountRounding.apply(policy.rules(), n.result()), sets,
          n.perturbation());
    };
  }

  /**
   * The cohort's records, then each set {@code described} selects: the row ids a release counts (read once per data
   * version and queries: a model's rounds share them).
   */
  private List<RoaringBitmap> recordSets(LocalData data, String dataset, DataVersion version,
      List<RecordSets> described) throws SQLException {
    List<RecordSets> queries = new ArrayList<>();
    queries.add(data.recordSets(List.of(), List.of(), "TRUE"));
    queries.addAll(described);
    RecordSetCache.Key key = new RecordSetCache.Key(dataset, version, queries);
    Optional<List<RoaringBitmap>> cached = recordSetCache.get(key);
    if (cached.isPresent()) {
      return cached.get();
    }
    List<RoaringBitmap> sets = new ArrayList<>();
    for (RecordSets query : queries) {
      sets.addAll(rows(data, query));
    }
    recordSetCache.put(key, sets);
    return sets;
  }

  /** The sets one query selects, one per key, in the order the keys first appear. */
  private static Collection<RoaringBitmap> rows(LocalData data, RecordSets query) throws SQLException {
    Map<List<Object>, RoaringBitmap> byKey = new LinkedHashMap<>();
    try (PreparedStatement ps = data.prepare(query.sql(), query.params()); ResultSet rs = ps.executeQuery()) {
      int keys = rs.getMetaData().getColumnCount() - 1;
      List<Object> none = List.of();
      RoaringBitmap single = keys == 0 ? byKey.computeIfAbsent(none, k -> new RoaringBitmap()) : null;
      Object[] key = new Object[keys];
      while (rs.next()) {
        int row = Math.toIntExact(rs.getLong(1));
        if (single != null) {
          single.add(row);
          continue;
        }
        for (int i = 0; i < keys; i++) {
          key[i] = rs.getObject(i + 2);
        }
        byKey.computeIfAbsent(Arrays.asList(key.clone()), k -> new RoaringBitmap()).add(row);
      }
    }
    byKey.values().removeIf(RoaringBitmap::isEmpty);
    return byKey.values();
  }

  /** {cohort size, dataset size}. */
  private static long[] cohort(LocalData data) throws SQLException {
    String sql = "SELECT count(*) FILTER (WHERE " + data.cohortSql() + "), count(*) FROM " + data.table();
    try (PreparedStatement ps = data.prepare(sql, data.cohortParams()); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  private RequestException unknownDataset(Request request) {
    if (request.dataset().isEmpty()) {
      return RequestException.invalid("the request names no dataset; 'fedstats datasets' lists those held");
    }
    String suggestion = Text.closest(request.dataset(), settings.datasets().stream().map(DatasetDefinition::name)
        .toList()).map(d -> "did you mean '" + d + "'? ").orElse("");
    return RequestException.notFound("dataset " + RequestException.quote(request.dataset()) + " is not held by node "
        + settings.nodeId() + "; " + suggestion + "'fedstats datasets' lists the datasets of the federation");
  }
}
