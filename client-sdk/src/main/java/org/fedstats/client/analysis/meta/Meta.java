package org.fedstats.client.analysis.meta;

import java.util.List;

/**
 * A study-level meta-analysis: per term the sites' estimates and the fixed-effect, DerSimonian-Laird and REML pooled
 * estimates ({@link #pooled()}); or a site's answer, its own fit: {@code n} and one {@link Term} per coefficient with
 * that site's estimate and variance only.
 */
public record Meta(boolean pooled, String formula, String family, long n, List<Term> terms) {
  public Meta {
    terms = List.copyOf(terms);
  }

  /** A pooled estimate with its standard error, z test and 95% interval; tau² for random effects (0 for fixed). */
  public record Pooled(double estimate, double stdError, double z, double pValue, double ciLow, double ciHigh,
      double tau2) {}

  /** One coefficient across the sites: Cochran's Q, its p-value and I² (percent). */
  public record Term(String term, List<String> nodeIds, List<Double> siteEstimates, List<Double> siteVariances,
      Pooled fixed, Pooled dersimonianLaird, Pooled reml, double q, double qPValue, double i2) {
    public Term {
      nodeIds = List.copyOf(nodeIds);
      siteEstimates = List.copyOf(siteEstimates);
      siteVariances = List.copyOf(siteVariances);
    }
  }

  public Term term(String name) {
    return terms.stream().filter(t -> t.term().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no term " + name));
  }
}
