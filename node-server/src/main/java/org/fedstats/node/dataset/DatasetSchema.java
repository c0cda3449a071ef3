package org.fedstats.node.dataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.common.Text;
import org.fedstats.node.error.RequestException;

/** The declared variables of one dataset, by name. */
public record DatasetSchema(String dataset, List<Variable> variables) {
  /** The rule that keeps identifiers out of every request, as refusals and the audit log name it. */
  public static final String IDENTIFIER_RULE = VariableType.IDENTIFIER.label();

  public DatasetSchema {
    Objects.requireNonNull(dataset, "dataset");
    variables = List.copyOf(variables);
    if (variables.isEmpty()) {
      throw new IllegalArgumentException("dataset " + dataset + " declares no variables");
    }
    Map<String, Variable> seen = new LinkedHashMap<>();
    for (Variable v : variables) {
      if (seen.put(v.name(), v) != null) {
        throw new IllegalArgumentException("dataset " + dataset + " declares variable " + v.name() + " twice");
      }
    }
  }

  private Optional<Variable> find(String name) {
    return variables.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The variables researchers may use, in declared order: all but the identifiers. */
  public List<Variable> usable() {
    return variables.stream().filter(v -> !v.isIdentifier()).toList();
  }

  /**
   * The declared variable a request names, or INVALID_ARGUMENT naming the dataset. Every variable of a request
   * (filter, analysis, weights, offset) is resolved here, so an identifier is refused whatever asks for it:
   * PERMISSION_DENIED under the rule {@code identifier}.
   */
  public Variable require(String name) {
    if (name == null || name.isEmpty()) {
      throw RequestException.invalid("a variable name is required");
    }
    Variable v = find(name).orElseThrow(() -> RequestException.invalid("unknown variable "
        + RequestException.quote(name) + " in dataset " + dataset + "; "
        + Text.closest(name, usable().stream().map(Variable::name).toList()).map(u -> "did you mean '" + u + "'? ")
            .orElse("")
        + "'fedstats variables " + dataset + "' lists its variables"));
    if (v.isIdentifier()) {
      throw RequestException.denied("variable " + v.name() + " of dataset " + dataset + " is an identifier (rule "
          + IDENTIFIER_RULE + "): it is never filtered on, tabulated, summarised, binned, correlated or modelled");
    }
    return v;
  }
}
