package org.fedstats.stats.meta;

import java.util.Objects;

/**
 * The meta-analysis of one coefficient over k sites: fixed effect, DerSimonian–Laird and REML.
 *
 * @param k number of sites
 * @param fixed the fixed-effect (inverse-variance) model with Cochran's Q and I²
 * @param derSimonianLaird random effects with τ² by DerSimonian–Laird
 * @param reml random effects with τ² by REML
 */
public record MetaAnalysisResult(int k, FixedEffect fixed, RandomEffects derSimonianLaird, RandomEffects reml) {

    /** Validates that all parts are present and agree on k and the methods. */
    public MetaAnalysisResult {
        Objects.requireNonNull(fixed, "fixed");
        Objects.requireNonNull(derSimonianLaird, "derSimonianLaird");
        Objects.requireNonNull(reml, "reml");
        if (k < 1 || fixed.k() != k) {
            throw new IllegalArgumentException("k must be >= 1 and agree with the fixed-effect model");
        }
        if (derSimonianLaird.method() != RandomEffects.Method.DERSIMONIAN_LAIRD
                || reml.method() != RandomEffects.Method.REML) {
            throw new IllegalArgumentException("random-effects results given in the wrong places");
        }
    }
}
