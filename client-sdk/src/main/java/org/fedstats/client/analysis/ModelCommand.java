package org.fedstats.client.analysis;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A model command ({@code lm}, {@code glm}, {@code meta}): an analysis command whose argument after the dataset is
 * the model's formula.
 */
public abstract class ModelCommand extends AnalysisCommand {
  @Parameters(index = "1", paramLabel = "<formula>",
      description = {"Model formula, quoted: \"y ~ a + b\"; \"a:b\" is an interaction, \"a*b\" is "
          + "\"a + b + a:b\"."})
  private String formula;

  /** The formula as the researcher wrote it. */
  public final String formula() {
    return formula;
  }

  /** {@code --family}, the error distribution of a GLM, as a picocli mixin. */
  public static final class FamilyChoice {
    @Option(names = "--family", required = true, converter = Family.Converter.class,
        completionCandidates = Family.Names.class, paramLabel = "<family>",
        description = "Error distribution: ${COMPLETION-CANDIDATES}.")
    Family family;

    public Family family() {
      return family;
    }
  }
}
