package org.fedstats.client.analysis.meta;

import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.ModelCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code fedstats meta <dataset> "<formula>" --family <family>}. */
@Command(name = "meta", description = "Study-level meta-analysis: each site fits the model, the estimates are pooled.",
    footer = {"%nExample:", "  fedstats meta colon \"status ~ rx + age\" --family binomial"})
public final class MetaCommand extends ModelCommand {
  @Mixin
  ModelCommand.FamilyChoice family;

  @Override
  public String title() {
    return "meta-analysis of " + options().dataset() + ": " + formula() + ", family " + family.family();
  }

  @Override
  public AnalysisSpec<?> spec() {
    return MetaUnit.spec(formula(), family.family().proto());
  }
}
