package org.fedstats.stats.glm;

/**
 * What the coordinator sends to every node for one IRLS round (nodes are stateless: this is all they need besides
 * their rows).
 *
 * @param beta the coefficients at which to evaluate the round, or null for round 0 (start from R's mustart)
 * @param interceptOnly whether the round is for the intercept-only (null) model: the WLS statistics are for the
 *     first column (the intercept) only, and {@code beta} is either the intercept-only coefficient (length 1) or, in
 *     the first such round, the full model's coefficients (R starts the null fit at the full fit's fitted values)
 * @param nullMu the constant mean at which to compute the null deviance in the same pass, or NaN for none
 */
public record GlmRequest(double[] beta, boolean interceptOnly, double nullMu) {
    public GlmRequest {
        if (beta != null) {
            beta = beta.clone();
            for (double b : beta) {
                if (!Double.isFinite(b)) {
                    throw new IllegalArgumentException("coefficients must be finite");
                }
            }
        }
        if (Double.isInfinite(nullMu)) {
            throw new IllegalArgumentException("nullMu must be finite or NaN");
        }
    }

    /** Round 0 of the full model. */
    public static GlmRequest start() {
        return new GlmRequest(null, false, Double.NaN);
    }

    @Override
    public double[] beta() {
        return beta == null ? null : beta.clone();
    }
}
