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

  public Optional<Variable> find(String name) {
    return variables.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** The declared variable, or INVALID_ARGUMENT naming the dataset. */
  public Variable require(String name) {
    if (name == null || name.isEmpty()) {
      throw RequestException.invalid("a variable name is required");
    }
    return find(name).orElseThrow(() -> RequestException.invalid("unknown variable " + RequestException.quote(name)
        + " in dataset " + dataset + "; "
        + Text.closest(name, variables.stream().map(Variable::name).toList()).map(v -> "did you mean '" + v + "'? ")
            .orElse("")
        + "'fedstats variables " + dataset + "' lists its variables"));
  }
}
