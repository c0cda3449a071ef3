package org.fedstats.node.dataset;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.fedstats.proto.v1.VariableInfo;

/** A declared variable of a dataset. Only declared variables are ever exposed or queried. */
public record Variable(String name, VariableType type, String description, List<String> levels) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,62}");

  public Variable {
    Objects.requireNonNull(name, "variable name");
    Objects.requireNonNull(type, "type of variable " + name);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("variable name '" + name
          + "' must start with a letter or underscore and contain only letters, digits, '_' or '.' (at most 63)");
    }
    description = description == null ? "" : description;
    levels = levels == null ? List.of() : List.copyOf(levels);
    if (type == VariableType.CATEGORICAL && levels.isEmpty()) {
      throw new IllegalArgumentException("categorical variable " + name + " must declare its levels");
    }
    if (type != VariableType.CATEGORICAL && !levels.isEmpty()) {
      throw new IllegalArgumentException("only categorical variables declare levels, not " + name);
    }
    if (new HashSet<>(levels).size() != levels.size()) {
      throw new IllegalArgumentException("categorical variable " + name + " declares a level twice");
    }
  }

  /** Whether this variable identifies records (a patient id): never announced, never usable in a request. */
  public boolean isIdentifier() {
    return type == VariableType.IDENTIFIER;
  }

  /** The column name as a quoted SQL identifier. */
  public String sqlIdentifier() {
    return quoteIdentifier(name);
  }

  public static String quoteIdentifier(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  public VariableInfo toProto() {
    return VariableInfo.newBuilder()
        .setName(name)
        .setType(type.proto())
        .setDescription(description)
        .addAllLevels(levels)
        .build();
  }
}
