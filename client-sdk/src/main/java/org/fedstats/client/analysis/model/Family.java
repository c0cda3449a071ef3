package org.fedstats.client.analysis.model;

import java.util.Arrays;
import java.util.Locale;
import org.fedstats.proto.v1.GlmFamily;

/** A GLM's error distribution and its canonical link. */
public enum Family {
  /** Logit link; the response is 0/1. */
  BINOMIAL(GlmFamily.BINOMIAL),
  /** Log link; the response is a count. */
  POISSON(GlmFamily.POISSON),
  /** Identity link. */
  GAUSSIAN(GlmFamily.GAUSSIAN);

  private final GlmFamily proto;

  Family(GlmFamily proto) {
    this.proto = proto;
  }

  public GlmFamily proto() {
    return proto;
  }

  /** The family's name as R spells it: "binomial". */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A family by its name, in any case; {@link IllegalArgumentException} naming the families otherwise. */
  public static Family parse(String name) {
    return Arrays.stream(values()).filter(f -> f.name().equalsIgnoreCase(name.strip())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("expected a family: binomial, poisson or gaussian"));
  }
}
