package org.fedstats.client.analysis.meta;

import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Family;
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

  @Option(names = "--family", required = true, converter = Family.Converter.class,
      completionCandidates = Family.Names.class, paramLabel = "<family>",
      description = "Error distribution: ${COMPLETION-CANDIDATES}.")
  Family family;

  @Override
  public String title() {
    return "meta-analysis of " + options().dataset() + ": " + formula + ", family " + family;
  }

  @Override
  public AnalysisSpec<?> spec() {
    return MetaUnit.spec(formula, family.proto());
  }
}
