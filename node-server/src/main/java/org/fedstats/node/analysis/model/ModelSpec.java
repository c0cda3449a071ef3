package org.fedstats.node.analysis.model;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.fedstats.common.Text;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.RecordSets;
import org.fedstats.node.analysis.Variables;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;
import org.fedstats.node.disclosure.Released;
import org.fedstats.node.error.RequestException;
import org.fedstats.stats.model.Design;
import org.fedstats.stats.model.Formula;
import org.fedstats.stats.model.VariableKind;

/**
 * A model request checked against a dataset's declaration: its formula's design (R's columns, treatment contrasts
 * with the first declared level as the reference), the declared variables it reads, and optional prior weights and
 * offset. Shared by the model analyses (lm, glm, meta-analysis), which differ only in what they compute from the
 * rows.
 */
public final class ModelSpec {
  /** Longest formula accepted. */
  public static final int MAX_FORMULA_CHARS = 1000;

  private final Design design;
  private final Map<String, Variable> variables;
  private final Variable weights;
  private final Variable offset;

  private ModelSpec(Design design, Map<String, Variable> variables, Variable weights, Variable offset) {
    this.design = design;
    this.variables = variables;
    this.weights = weights;
    this.offset = offset;
  }

  /** Checks a formula (and the optional weights and offset variables, "" for none) against the declaration. */
  public static ModelSpec of(String formulaText, String weightsName, String offsetName, DatasetSchema schema) {
    if (formulaText == null || formulaText.isBlank()) {
      throw RequestException.invalid("the model needs a formula, e.g. \"status ~ rx + age\"");
    }
    if (formulaText.length() > MAX_FORMULA_CHARS) {
      throw RequestException.invalid("the formula is longer than " + MAX_FORMULA_CHARS + " characters");
    }
    Formula formula;
    try {
      formula = Formula.parse(formulaText);
    } catch (IllegalArgumentException e) {
      throw RequestException.invalid("formula '" + Text.echo(formulaText) + "': " + e.getMessage());
    }
    Map<String, Variable> variables = new LinkedHashMap<>();
    Map<String, VariableKind> kinds = new HashMap<>();
    for (String name : formula.variables()) {
      Variable v = schema.require(name);
      variables.put(name, v);
      kinds.put(name, kind(v));
    }
    Design design;
    try {
      design = Design.of(formula, kinds);
    } catch (IllegalArgumentException e) {
      throw RequestException.invalid("formula '" + Text.echo(formulaText) + "': " + e.getMessage());
    }
    Variable weights = weightsName == null || weightsName.isEmpty() ? null
        : Variables.numeric(schema, weightsName, "model weights");
    Variable offset = offsetName == null || offsetName.isEmpty() ? null
        : Variables.numeric(schema, offsetName, "a model offset");
    return new ModelSpec(design, variables, weights, offset);
  }

  private static VariableKind kind(Variable v) {
    if (v.type().isNumeric()) {
      return new VariableKind.Numeric();
    }
    if (v.type() == VariableType.CATEGORICAL) {
      return new VariableKind.Categorical(v.levels());
    }
    throw RequestException.invalid("a model term needs a numeric, integer or categorical variable; " + v.name()
        + " is " + v.type().label());
  }

  public Design design() {
    return design;
  }

  public int parameters() {
    return design.width();
  }

  /** Whether the model names an offset variable. */
  public boolean hasOffset() {
    return offset != null;
  }

  /** The declared variables a fit reads: the formula's, then the weights and offset. */
  private List<Variable> read() {
    List<Variable> read = new ArrayList<>(variables.values());
    if (weights != null && !read.contains(weights)) {
      read.add(weights);
    }
    if (offset != null && !read.contains(offset)) {
      read.add(offset);
    }
    return read;
  }

  /** SQL: a record is a complete case (as R's na.omit): none of {@code read} is missing. */
  private static String complete(List<Variable> read) {
    return read.stream().map(v -> v.sqlIdentifier() + " IS NOT NULL").collect(Collectors.joining(" AND "));
  }

  /** The model's estimation sample, the cohort's complete cases, as the records its release rests on. */
  public RecordSets estimationSample(LocalData data) {
    return data.recordSets(List.of(), List.of(), complete(read()));
  }

  /** One complete row, as the model sees it; {@code x} is reused for the next row, so copy it to keep it. */
  public interface RowSink {
    void accept(double[] x, double y, double weight, double offset);
  }

  /**
   * Reads the cohort's complete cases (no model variable, weight or offset missing, as R's na.omit) and passes each
   * to {@code sink}; returns what the rows release: the model's size, how many records it left out for a missing
   * value, and, for every 0/1-valued design column and a 0/1 response, how many records are 1 and how many 0 (a
   * term isolating a few records is as disclosive as a small table cell). Records of weight 0 take no part in a fit,
   * so with weights the model's size and classes count the records of positive weight, and how many records have
   * weight 0 is released as a cell (a 0/1 weight selects records as a filter does). A negative weight is refused, as
   * R refuses it, without telling which record or value.
   */
  public List<Released> read(LocalData data, RowSink sink) throws SQLException {
    List<Variable> read = read();
    // Numeric variables as doubles; categorical ones as the index of their declared level (bound parameters), so
    // that a row becomes design columns without a string, a map or a boxed value.
    List<Object> params = new ArrayList<>();
    StringBuilder columns = new StringBuilder();
    for (Variable v : read) {
      if (!columns.isEmpty()) {
        columns.append(", ");
      }
      if (v.type().isNumeric()) {
        columns.append(data.dialect().toDouble(v.sqlIdentifier()));
      } else {
        columns.append("CASE ").append(v.sqlIdentifier());
        for (int l = 0; l < v.levels().size(); l++) {
          columns.append(" WHEN ? THEN ").append(l);
          params.add(v.levels().get(l));
        }
        columns.append(" END");
      }
    }
    String sql = "SELECT " + columns + " FROM " + data.table() + " WHERE (" + data.cohortSql() + ") AND "
        + complete(read);
    List<String> order = read.stream().map(Variable::name).toList();
    Design.Encoder encoder = design.encoder(order);
    int weightAt = weights == null ? -1 : order.indexOf(weights.name());
    int offsetAt = offset == null ? -1 : order.indexOf(offset.name());
    boolean[] numeric = new boolean[read.size()];
    for (int i = 0; i < numeric.length; i++) {
      numeric[i] = read.get(i).type().isNumeric();
    }
    double[] numbers = new double[read.size()];
    int[] levels = new int[read.size()];
    int p = design.width();
    double[] x = new double[p];
    long completeCases = 0;
    long n = 0;
    long[] ones = new long[p];
    boolean[] binary = new boolean[p];
    java.util.Arrays.fill(binary, true);
    long responseOnes = 0;
    boolean binaryResponse = true;
    try (PreparedStatement ps = data.prepare(sql, data.withCohortParams(params)); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        for (int i = 0; i < numeric.length; i++) {
          if (numeric[i]) {
            numbers[i] = rs.getDouble(i + 1);
          } else {
            levels[i] = rs.getInt(i + 1);
          }
        }
        encoder.row(numbers, levels, x);
        double y = encoder.response(numbers, levels);
        double w = weightAt < 0 ? 1.0 : numbers[weightAt];
        double off = offsetAt < 0 ? 0.0 : numbers[offsetAt];
        if (w < 0) {
          throw RequestException.failedPrecondition("prior weights must not be negative (as in R's glm); "
              + weights.name() + " has a negative value at this site");
        }
        completeCases++;
        if (w > 0) {
          n++;
          for (int j = 0; j < p; j++) {
            if (x[j] == 1.0) {
              ones[j]++;
            } else if (x[j] != 0.0) {
              binary[j] = false;
            }
          }
          if (y == 1.0) {
            responseOnes++;
          } else if (y != 0.0) {
            binaryResponse = false;
          }
        }
        sink.accept(x, y, w, off);
      }
    }
    List<Released> released = new ArrayList<>();
    released.add(new Released.Model(n, p));
    for (Variable v : variables.values()) {
      if (v.type() == VariableType.CATEGORICAL) {
        released.add(new Released.Levels(v.levels().size(), n));
      }
    }
    // The model's n and the cohort's count together tell how many records had a missing value: a cell like any.
    released.add(new Released.Cells("count of records left out for a missing value",
        new long[] {data.cohortSize() - completeCases}));
    if (weights != null) {
      released.add(new Released.Cells("count of records of weight 0", new long[] {completeCases - n}));
    }
    List<Long> classes = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      if (binary[j] && !design.columns().get(j).equals(Design.INTERCEPT)) {
        classes.add(ones[j]);
        classes.add(n - ones[j]);
      }
    }
    released.add(new Released.Cells("count of records in a level of a model term",
        classes.stream().mapToLong(Long::longValue).toArray()));
    if (binaryResponse) {
      released.add(new Released.Cells("count of records in a class of the outcome",
          new long[] {responseOnes, n - responseOnes}));
    }
    return released;
  }
}
