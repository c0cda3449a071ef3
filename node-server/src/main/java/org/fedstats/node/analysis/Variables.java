package org.fedstats.node.analysis;

import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.error.RequestException;

/** Checks analyses share on the variables a request names. */
public final class Variables {
  private Variables() {}

  /** The declared variable {@code name}, which must be numeric or integer for {@code analysis}. */
  public static Variable numeric(DatasetSchema schema, String name, String analysis) {
    Variable v = schema.require(name);
    if (!v.type().isNumeric()) {
      throw RequestException.invalid(analysis + " needs a numeric or integer variable; " + v.name() + " is "
          + v.type().label());
    }
    return v;
  }
}
