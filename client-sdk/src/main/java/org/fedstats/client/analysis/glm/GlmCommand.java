package org.fedstats.client.analysis.glm;

import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Family;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedstats glm <dataset> "<formula>" --family <family> [--weights <w>] [--offset <o>]}. */
@Command(name = "glm", description = "Generalised linear model, fitted over the sites by IRLS (rounds on stderr).",
    footer = {"%nExample:", "  fedstats glm colon \"status ~ rx + sex + age + nodes + obstruct\" \\",
        "      --family binomial"})
public final class GlmCommand extends AnalysisCommand {
  @Parameters(index = "1", paramLabel = "<formula>",
      description = {"Model formula, quoted: \"status ~ rx + age\"; \"a:b\" is an interaction, \"a*b\" is "
          + "\"a + b + a:b\"."})
  String formula;

  @Option(names = "--family", required = true, converter = Family.Converter.class,
      completionCandidates = Family.Names.class, paramLabel = "<family>",
      description = "Error distribution: ${COMPLETION-CANDIDATES}.")
  Family family;

  @Option(names = "--weights", paramLabel = "<variable>", description = "Numeric variable of prior weights.")
  String weights;

  @Option(names = "--offset", paramLabel = "<variable>",
      description = "Numeric variable added to the linear predictor.")
  String offset;

  @Override
  public String title() {
    return "glm of " + options().dataset() + ": " + formula + ", family " + family;
  }

  @Override
  public AnalysisSpec<?> spec() {
    return GlmUnit.spec(formula, family, weights, offset);
  }
}
