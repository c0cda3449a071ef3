package org.fedstats.node.analysis;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.fedstats.common.Text;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.dataset.DatasetStore;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;
import org.fedstats.node.disclosure.DisclosureControl;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.request.FilterCompiler;
import org.fedstats.node.request.RequestException;
import org.fedstats.node.request.SqlFragment;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;

/**
 * Runs one approved analysis on a node's local data: validates it against the dataset's declaration and allow-list,
 * computes the sufficient statistics in DuckDB with parameterised SQL, and applies disclosure control to them.
 */
public final class AnalysisEngine implements AnalysisRunner {
  /** Label of the table level that counts records with no value. */
  public static final String MISSING_LEVEL = "<missing>";
  public static final int MAX_BREAKS = 201;

  private final NodeSettings settings;
  private final DatasetStore store;

  public AnalysisEngine(NodeSettings settings, DatasetStore store) {
    this.settings = settings;
    this.store = store;
  }

  /** A request, parsed: the dataset it targets and the analysis it asks for. */
  public record Request(String dataset, boolean hasFilter, Filter filter, Analysis analysis) {}

  /** Runs a request to its end (nothing can cancel it). */
  public NodeOutcome run(Request request) throws SQLException {
    return run(request, new Cancellation());
  }

  @Override
  public NodeOutcome run(Request request, Cancellation cancellation) throws SQLException {
    DatasetDefinition dataset = settings.dataset(request.dataset()).orElseThrow(() -> unknownDataset(request));
    AnalysisKind kind = AnalysisKind.of(request.analysis());
    if (kind == null) {
      throw RequestException.invalid(request.analysis().getKindCase() == Analysis.KindCase.KIND_NOT_SET
          ? "the request names no analysis"
          : "node " + settings.nodeId() + " does not run " + request.analysis().getKindCase().name()
              .toLowerCase(java.util.Locale.ROOT) + " analyses");
    }
    if (!dataset.analyses().contains(kind)) {
      throw RequestException.denied("analysis " + kind.id() + " is not enabled for dataset " + dataset.name()
          + " on node " + settings.nodeId());
    }
    SqlFragment where = FilterCompiler.compile(dataset.schema(), request.hasFilter(), request.filter());
    Analysis a = request.analysis();
    // Validate the analysis itself before touching any data.
    Variable summaryVar = null;
    Variable rowVar = null;
    Variable colVar = null;
    switch (kind) {
      case COUNT -> { }
      case SUMMARY -> summaryVar = numeric(dataset, a.getSummary().getVariable(), "summary");
      case TABLE -> {
        rowVar = tabulable(dataset, a.getTable().getRowVariable());
        if (!a.getTable().getColumnVariable().isEmpty()) {
          colVar = tabulable(dataset, a.getTable().getColumnVariable());
          if (colVar.equals(rowVar)) {
            throw RequestException.invalid("a two-way table needs two different variables");
          }
        }
      }
      case HISTOGRAM -> {
        summaryVar = numeric(dataset, a.getHistogram().getVariable(), "histogram");
        checkBreaks(a.getHistogram());
      }
    }
    DisclosurePolicy policy = dataset.policy();
    String table = DatasetStore.tableName(dataset.name());
    try (Connection connection = store.connection()) {
      Session c = new Session(connection, cancellation);
      long[] cohort = cohort(c, table, where);
      Optional<Refusal> refusal = DisclosureControl.checkCohort(policy, cohort[0], cohort[1]);
      if (refusal.isPresent()) {
        return new NodeOutcome.Refused(refusal.get());
      }
      return switch (kind) {
        case COUNT -> new NodeOutcome.Answered(AnalysisResult.newBuilder()
            .setCount(CountResult.newBuilder().setCount(cohort[0])).build());
        case SUMMARY -> summary(c, table, where, summaryVar, policy);
        case TABLE -> table(c, table, where, rowVar, colVar, policy);
        case HISTOGRAM -> histogram(c, table, where, summaryVar, a.getHistogram(), policy);
      };
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

  private static Variable numeric(DatasetDefinition d, String name, String analysis) {
    Variable v = d.schema().require(name);
    if (!v.type().isNumeric()) {
      throw RequestException.invalid(analysis + " needs a numeric or integer variable; " + v.name() + " is "
          + v.type().label());
    }
    return v;
  }

  private static Variable tabulable(DatasetDefinition d, String name) {
    Variable v = d.schema().require(name);
    if (v.type() == VariableType.NUMERIC || v.type() == VariableType.DATE) {
      throw RequestException.invalid("a table needs categorical, integer or boolean variables; " + v.name()
          + " is " + v.type().label() + " (use a histogram)");
    }
    return v;
  }

  private static void checkBreaks(HistogramAnalysis h) {
    List<Double> b = h.getBreaksList();
    if (b.size() < 2 || b.size() > MAX_BREAKS) {
      throw RequestException.invalid("a histogram needs between 2 and " + MAX_BREAKS + " breaks, not " + b.size());
    }
    for (int i = 0; i < b.size(); i++) {
      if (!Double.isFinite(b.get(i))) {
        throw RequestException.invalid("histogram breaks must be finite numbers");
      }
      if (i > 0 && b.get(i) <= b.get(i - 1)) {
        throw RequestException.invalid("histogram breaks must be strictly increasing");
      }
    }
  }

  /** {cohort size, dataset size}. */
  private static long[] cohort(Session c, String table, SqlFragment where) throws SQLException {
    String sql = "SELECT count(*) FILTER (WHERE " + where.sql() + "), count(*) FROM " + table;
    try (PreparedStatement ps = prepare(c, sql, where.params()); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  private static NodeOutcome summary(Session c, String table, SqlFragment where, Variable v,
      DisclosurePolicy policy) throws SQLException {
    // Two passes: the mean first, then the sum of squared deviations from it (numerically stable M2).
    String sql = "WITH c AS (SELECT CAST(" + v.sqlIdentifier() + " AS DOUBLE) AS v FROM " + table
        + " WHERE " + where.sql() + "), "
        + "m AS (SELECT count(v) AS n, count(*) - count(v) AS missing, avg(v) AS mu FROM c) "
        + "SELECT m.n, m.missing, m.mu, (SELECT sum((c.v - m.mu) * (c.v - m.mu)) FROM c) FROM m";
    long n;
    long missing;
    double mean;
    double m2;
    try (PreparedStatement ps = prepare(c, sql, where.params()); ResultSet rs = ps.executeQuery()) {
      rs.next();
      n = rs.getLong(1);
      missing = rs.getLong(2);
      mean = rs.getDouble(3);
      m2 = rs.getDouble(4);
    }
    Optional<Refusal> refusal = DisclosureControl.checkSummaryN(policy, n)
        .or(() -> DisclosureControl.checkCells(policy, "missing-value count", LongStream.of(missing)));
    if (refusal.isPresent()) {
      return new NodeOutcome.Refused(refusal.get());
    }
    return new NodeOutcome.Answered(AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder()
        .setN(n).setMissing(missing).setMean(mean).setM2(m2)
        .setVariance(n > 1 ? m2 / (n - 1) : Double.NaN)).build());
  }

  private static NodeOutcome table(Session c, String table, SqlFragment where, Variable row, Variable col,
      DisclosurePolicy policy) throws SQLException {
    String cols = row.sqlIdentifier() + (col == null ? "" : ", " + col.sqlIdentifier());
    String sql = "SELECT " + cols + ", count(*) FROM " + table + " WHERE " + where.sql() + " GROUP BY ALL";
    Map<List<String>, Long> counts = new LinkedHashMap<>();
    List<String> observedRows = new ArrayList<>();
    List<String> observedCols = new ArrayList<>();
    try (PreparedStatement ps = prepare(c, sql, where.params()); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String r = level(rs.getObject(1));
        String k = col == null ? "" : level(rs.getObject(2));
        counts.put(List.of(r, k), rs.getLong(col == null ? 2 : 3));
        observedRows.add(r);
        observedCols.add(k);
      }
    }
    List<String> rowLevels = levels(row, observedRows);
    List<String> colLevels = col == null ? List.of("") : levels(col, observedCols);
    TableResult.Builder result = TableResult.newBuilder().setRowVariable(row.name()).addAllRowLevels(rowLevels);
    if (col != null) {
      result.setColumnVariable(col.name()).addAllColumnLevels(colLevels);
    }
    for (String r : rowLevels) {
      for (String k : colLevels) {
        result.addCells(TableCell.newBuilder().setRow(r).setColumn(k).setCount(counts.getOrDefault(List.of(r, k), 0L)));
      }
    }
    Optional<Refusal> refusal = DisclosureControl.checkCells(policy, "table cell",
        counts.values().stream().mapToLong(Long::longValue));
    if (refusal.isPresent()) {
      return new NodeOutcome.Refused(refusal.get());
    }
    return new NodeOutcome.Answered(AnalysisResult.newBuilder().setTable(result).build());
  }

  private static String level(Object value) {
    return value == null ? MISSING_LEVEL : String.valueOf(value);
  }

  /** Declared levels for categorical variables; observed values in natural order otherwise; missing last. */
  private static List<String> levels(Variable v, List<String> observed) {
    List<String> levels = new ArrayList<>();
    switch (v.type()) {
      case CATEGORICAL -> levels.addAll(v.levels());
      case BOOLEAN -> levels.addAll(List.of("false", "true"));
      default -> {
        TreeSet<String> sorted = new TreeSet<>(Comparator.comparingLong(Long::parseLong));
        observed.stream().filter(o -> !o.equals(MISSING_LEVEL)).forEach(sorted::add);
        levels.addAll(sorted);
      }
    }
    if (observed.contains(MISSING_LEVEL)) {
      levels.add(MISSING_LEVEL);
    }
    return levels;
  }

  private static NodeOutcome histogram(Session c, String table, SqlFragment where, Variable v,
      HistogramAnalysis h, DisclosurePolicy policy) throws SQLException {
    List<Double> breaks = h.getBreaksList();
    int bins = breaks.size() - 1;
    // Bin index: -2 missing, -1 below the first break, i for [b_i, b_i+1) (the last bin closed), bins for above.
    StringBuilder caseExpr = new StringBuilder("CASE WHEN v IS NULL THEN -2 WHEN v < ? THEN -1");
    List<Object> params = new ArrayList<>();
    params.add(breaks.get(0));
    for (int i = 1; i < bins; i++) {
      caseExpr.append(" WHEN v < ? THEN ").append(i - 1);
      params.add(breaks.get(i));
    }
    caseExpr.append(" WHEN v <= ? THEN ").append(bins - 1).append(" ELSE ").append(bins).append(" END");
    params.add(breaks.get(bins));
    params.addAll(where.params());
    String sql = "SELECT " + caseExpr + " AS bin, count(*) FROM (SELECT CAST(" + v.sqlIdentifier()
        + " AS DOUBLE) AS v FROM " + table + " WHERE " + where.sql() + ") GROUP BY bin";
    long[] counts = new long[bins];
    long below = 0;
    long above = 0;
    long missing = 0;
    try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int bin = rs.getInt(1);
        long n = rs.getLong(2);
        if (bin == -2) {
          missing = n;
        } else if (bin == -1) {
          below = n;
        } else if (bin == bins) {
          above = n;
        } else {
          counts[bin] = n;
        }
      }
    }
    Optional<Refusal> refusal = DisclosureControl.checkCells(policy, "histogram bin",
        LongStream.concat(LongStream.of(counts), LongStream.of(below, above, missing)));
    if (refusal.isPresent()) {
      return new NodeOutcome.Refused(refusal.get());
    }
    HistogramResult.Builder result = HistogramResult.newBuilder().addAllBreaks(breaks)
        .setBelow(below).setAbove(above).setMissing(missing);
    LongStream.of(counts).forEach(result::addCounts);
    return new NodeOutcome.Answered(AnalysisResult.newBuilder().setHistogram(result).build());
  }

  /** The connection one request's statements run on, and what may cancel them. */
  private record Session(Connection connection, Cancellation cancellation) {
    Session {
      Objects.requireNonNull(connection, "connection");
      Objects.requireNonNull(cancellation, "cancellation");
    }
  }

  private static PreparedStatement prepare(Session c, String sql, List<Object> params) throws SQLException {
    PreparedStatement ps = c.connection().prepareStatement(sql);
    try {
      c.cancellation().started(ps);
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
    return ps;
  }
}
