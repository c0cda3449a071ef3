package org.fedstats.stats.glm;

import java.util.List;
import java.util.Objects;

/**
 * Node side of a GLM: one IRLS round over a site's rows, a pure function of the rows, the family and the request.
 *
 * <p>For each row with positive weight, at eta = offset + x·β (round 0: eta = link(mustart), as R's
 * {@code glm.fit}) and mu = g⁻¹(eta): the working weight w·mu.eta²/V(mu) and working response
 * eta − offset + (y − mu)/mu.eta enter X'WX and X'Wz (rows with mu.eta = 0 are left out, as R's); the deviance,
 * AIC contribution and Pearson term at mu are summed.
 */
public final class GlmRound {

    private GlmRound() {
    }

    /** The round's statistics over these rows (the design has p = rows' x length, or 1 for intercept-only). */
    public static GlmRoundStats local(Family family, List<GlmRow> rows, GlmRequest request, int p) {
        Accumulator acc = new Accumulator(family, p, request);
        for (GlmRow r : rows) {
            acc.add(r.x(), r.y(), r.weight(), r.offset());
        }
        return acc.result();
    }

    /**
     * The round's statistics over these rows; p is taken from the request (or from the first row in round 0).
     *
     * @throws IllegalArgumentException for round 0 of a full model with no rows (use {@link #local(Family, List,
     *     GlmRequest, int)})
     */
    public static GlmRoundStats local(Family family, List<GlmRow> rows, GlmRequest request) {
        int p;
        if (request.interceptOnly() && (request.beta() == null || request.beta().length == 1)) {
            p = 1;
        } else if (request.beta() != null) {
            p = request.beta().length;
        } else if (!rows.isEmpty()) {
            p = rows.get(0).x().length;
        } else {
            throw new IllegalArgumentException("no rows and no coefficients: the number of columns is unknown");
        }
        return local(family, rows, request, p);
    }

    /** Adds a site's rows one at a time for one round. */
    public static final class Accumulator {
        private final Family family;
        private final int p;
        private final double[] beta;
        private final boolean interceptOnly;
        /** An intercept-only round evaluated at the full model's coefficients. */
        private final boolean etaFromFull;
        private final double nullMu;
        private final double[] xtwx;
        private final double[] xtwz;
        private final double[] one = {1.0};
        private long n;
        private double deviance;
        private double aicSum;
        private double pearson;
        private double sumLogW;
        private double sumW;
        private double sumWY;
        private double nullDeviance;
        private long invalid;
        private long offsetRows;

        /**
         * An accumulator for one round.
         *
         * @param p the number of design columns of the model (for an intercept-only round, 1 or the full model's)
         */
        public Accumulator(Family family, int p, GlmRequest request) {
            this.family = Objects.requireNonNull(family, "family");
            Objects.requireNonNull(request, "request");
            this.interceptOnly = request.interceptOnly();
            this.p = interceptOnly ? 1 : p;
            if (this.p < 1) {
                throw new IllegalArgumentException("a model needs at least one column");
            }
            this.beta = request.beta();
            this.etaFromFull = interceptOnly && beta != null && beta.length != 1;
            if (beta != null && beta.length != (etaFromFull ? p : this.p)) {
                throw new IllegalArgumentException("expected " + (etaFromFull ? p : this.p) + " coefficients, got "
                        + beta.length);
            }
            this.nullMu = request.nullMu();
            this.xtwx = new double[this.p * this.p];
            this.xtwz = new double[this.p];
        }

        /** Adds one complete row (for an intercept-only round only its response, weight and offset are used). */
        public Accumulator add(double[] xRow, double y, double weight, double offset) {
            double[] x = interceptOnly ? one : xRow;
            if (x.length != p) {
                throw new IllegalArgumentException("expected " + p + " design columns, got " + x.length);
            }
            if (etaFromFull && xRow.length != beta.length) {
                throw new IllegalArgumentException("expected " + beta.length + " design columns, got " + xRow.length);
            }
            if (!(weight >= 0) || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("a prior weight must be finite and not negative, got " + weight);
            }
            if (!Double.isFinite(y) || !Double.isFinite(offset)) {
                throw new IllegalArgumentException("response and offset must be finite");
            }
            family.checkResponse(y);
            if (weight == 0) {
                return this;
            }
            double eta;
            if (beta == null) {
                eta = family.link(family.muStart(y, weight));
            } else {
                double[] at = etaFromFull ? xRow : x;
                eta = offset;
                for (int j = 0; j < beta.length; j++) {
                    eta += at[j] * beta[j];
                }
            }
            double mu = family.linkInverse(eta);
            double dev = family.devianceResidual(y, mu, weight);
            if (!family.validMu(mu) || !Double.isFinite(dev)) {
                invalid++;
            }
            n++;
            deviance += dev;
            aicSum += family.aicContribution(y, mu, weight);
            double var = family.variance(mu);
            pearson += weight * (y - mu) * (y - mu) / var;
            sumLogW += Math.log(weight);
            sumW += weight;
            sumWY += weight * y;
            if (offset != 0) {
                offsetRows++;
            }
            if (!Double.isNaN(nullMu)) {
                nullDeviance += family.devianceResidual(y, nullMu, weight);
            }
            double me = family.muEta(eta);
            if (me != 0) {
                double z = eta - offset + (y - mu) / me;
                double w = weight * me * me / var;
                for (int i = 0; i < p; i++) {
                    double wxi = w * x[i];
                    int base = i * p;
                    for (int j = i; j < p; j++) {
                        xtwx[base + j] += wxi * x[j];
                    }
                    xtwz[i] += wxi * z;
                }
            }
            return this;
        }

        /** The round's statistics over the rows added so far. */
        public GlmRoundStats result() {
            double[] full = xtwx.clone();
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < i; j++) {
                    full[i * p + j] = full[j * p + i];
                }
            }
            return new GlmRoundStats(n, full, xtwz, deviance, aicSum, pearson, sumLogW, sumW, sumWY, nullDeviance,
                    invalid, offsetRows);
        }
    }
}
