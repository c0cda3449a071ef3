package org.fedstats.client.analysis.meta;

import java.util.Arrays;
import java.util.Locale;
import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.proto.v1.GlmFamily;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedstats meta <dataset> "<formula>" --family <family>}. */
@Command(name = "meta", description = "Study-level meta-analysis: each site fits the model, the estimates are pooled.",
    footer = {"%nExample:", "  fedstats meta colon \"status ~ rx + age\" --family binomial"})
public final class MetaCommand extends AnalysisCommand {
  @Parameters(index = "1", paramLabel = "<formula>",
      description = {"Model formula, quoted: \"status ~ rx + age\"; \"a:b\" is an interaction, \"a*b\" is "
          + "\"a + b + a:b\"."})
  String formula;

  @Option(names = "--family", required = true, converter = FamilyConverter.class,
      completionCandidates = FamilyNames.class, paramLabel = "<family>",
      description = "Error distribution: ${COMPLETION-CANDIDATES}.")
  GlmFamily family;

  @Override
  public String title() {
    return "meta-analysis of " + options().dataset() + ": " + formula + ", family "
        + family.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public AnalysisSpec<?> spec() {
    return MetaUnit.spec(formula, family);
  }

  static final class FamilyNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.List.of("binomial", "poisson", "gaussian").iterator();
    }
  }

  static final class FamilyConverter implements CommandLine.ITypeConverter<GlmFamily> {
    @Override
    public GlmFamily convert(String value) {
      return Arrays.stream(new GlmFamily[] {GlmFamily.BINOMIAL, GlmFamily.POISSON, GlmFamily.GAUSSIAN})
          .filter(f -> f.name().equalsIgnoreCase(value.strip())).findFirst()
          .orElseThrow(() -> new CommandLine.TypeConversionException("expected one of binomial, poisson, gaussian"));
    }
  }
}
