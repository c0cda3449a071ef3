package org.fedstats.client.analysis.glm;

import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.ModelCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fedstats glm <dataset> "<formula>" --family <family> [--weights <w>] [--offset <o>]}. */
@Command(name = "glm", description = "Generalised linear model, fitted over the sites by IRLS (rounds on stderr).",
    footer = {"%nExample:", "  fedstats glm colon \"status ~ rx + sex + age + nodes + obstruct\" \\",
        "      --family binomial"})
public final class GlmCommand extends ModelCommand {
  @Mixin
  ModelCommand.FamilyChoice family;

  @Option(names = "--weights", paramLabel = "<variable>", description = "Numeric variable of prior weights.")
  String weights;

  @Option(names = "--offset", paramLabel = "<variable>",
      description = "Numeric variable added to the linear predictor.")
  String offset;

  @Override
  public String title() {
    return "glm of " + options().dataset() + ": " + formula() + ", family " + family.family();
  }

  @Override
  public AnalysisSpec<?> spec() {
    return GlmUnit.spec(formula(), family.family(), weights, offset);
  }
}
