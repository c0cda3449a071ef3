package org.fedstats.stats.meta;

/**
 * One site's estimate of one coefficient with its sampling variance (the square of its standard error).
 *
 * @param estimate the site's estimate; finite
 * @param variance its sampling variance; finite and strictly positive
 */
public record SiteEstimate(double estimate, double variance) {

    /** Validates the estimate (finite) and the variance (finite, &gt; 0). */
    public SiteEstimate {
        if (!Double.isFinite(estimate)) {
            throw new IllegalArgumentException("estimate must be finite: " + estimate);
        }
        if (!Double.isFinite(variance) || variance <= 0) {
            throw new IllegalArgumentException("variance must be finite and > 0: " + variance);
        }
    }

    /**
     * A site estimate given by its standard error.
     *
     * @param estimate the estimate
     * @param standardError its standard error; finite and &gt; 0
     * @return the estimate with variance {@code standardError²}
     */
    public static SiteEstimate ofStandardError(double estimate, double standardError) {
        if (!Double.isFinite(standardError) || standardError <= 0) {
            throw new IllegalArgumentException("standard error must be finite and > 0: " + standardError);
        }
        return new SiteEstimate(estimate, standardError * standardError);
    }

    /** {@return the standard error, {@code sqrt(variance)}} */
    public double standardError() {
        return Math.sqrt(variance);
    }
}
