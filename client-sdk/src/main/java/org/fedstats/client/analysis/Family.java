package org.fedstats.client.analysis;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import org.fedstats.proto.v1.GlmFamily;
import picocli.CommandLine;

/** A GLM's error distribution and its canonical link, as the SDK and the models' {@code --family} option take it. */
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

  /** The families' names, for the {@code --family} option's completion and help. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(values()).map(Family::toString).iterator();
    }
  }

  /** Reads {@code --family}, with a one-line usage error naming the families. */
  public static final class Converter implements CommandLine.ITypeConverter<Family> {
    @Override
    public Family convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("expected one of binomial, poisson, gaussian");
      }
    }
  }
}
