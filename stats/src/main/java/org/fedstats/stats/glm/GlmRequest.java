package org.fedstats.stats.glm;

/**
 * What the coordinator sends to every node for one IRLS round (nodes are stateless: this is all they need besides
 * their rows).
 *
 * @param beta the coefficients at which to evaluate the round, or null for round 0 (start from R's mustart)
 * @param interceptOnly whether the round is for the intercept-only (null) model: the design is the first column
 *     (the intercept) only and {@code beta} has length 1
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
            if (interceptOnly && beta.length != 1) {
                throw new IllegalArgumentException("an intercept-only round takes one coefficient, got " + beta.length);
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
