package org.fedstats.stats.glm;

import org.hipparchus.special.Gamma;
import org.hipparchus.util.CombinatoricsUtils;

/**
 * The GLM families with their canonical links, as R's {@code binomial()}, {@code poisson()} and
 * {@code gaussian()}: link, inverse link, its derivative (mu.eta), variance, deviance residuals, starting values
 * ({@code mustart}) and AIC, computed as R computes them (including R's thresholds in the logit link).
 */
public enum Family {
    /** Binomial with the logit link; the response is a proportion in [0, 1] (0/1 for individual rows). */
    BINOMIAL {
        private static final double THRESH = 30;
        private static final double EPS = Math.ulp(1.0);
        private static final double INVEPS = 1 / EPS;

        @Override
        public double link(double mu) {
            return Math.log(mu / (1 - mu));
        }

        @Override
        public double linkInverse(double eta) {
            double tmp = eta < -THRESH ? EPS : (eta > THRESH ? INVEPS : Math.exp(eta));
            return tmp / (1 + tmp);
        }

        @Override
        public double muEta(double eta) {
            if (eta > THRESH || eta < -THRESH) {
                return EPS;
            }
            double opexp = 1 + Math.exp(eta);
            return Math.exp(eta) / (opexp * opexp);
        }

        @Override
        public double variance(double mu) {
            return mu * (1 - mu);
        }

        @Override
        public double devianceResidual(double y, double mu, double w) {
            return 2 * w * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
        }

        @Override
        public double muStart(double y, double w) {
            return (w * y + 0.5) / (w + 1);
        }

        @Override
        public boolean validMu(double mu) {
            return Double.isFinite(mu) && mu > 0 && mu < 1;
        }

        @Override
        public boolean validResponse(double y) {
            return y >= 0 && y <= 1;
        }

        @Override
        public String responseRule() {
            return "in [0, 1]";
        }

        @Override
        public double aicContribution(double y, double mu, double w) {
            // R: m = weights (individual 0/1 rows); -2 * (wt/m) * dbinom(round(m*y), round(m), mu, log = TRUE)
            long m = Math.round(w);
            long k = Math.round(w * y);
            if (m == 0) {
                return 0;
            }
            double ll = CombinatoricsUtils.binomialCoefficientLog((int) m, (int) k);
            if (k > 0) {
                ll += k * Math.log(mu);
            }
            if (m - k > 0) {
                ll += (m - k) * Math.log1p(-mu);
            }
            return -2 * ll;
        }

        @Override
        public double aic(double aicSum, long n, double sumLogWeights, double deviance) {
            return aicSum;
        }
    },

    /** Poisson with the log link; the response is a count. */
    POISSON {
        private static final double EPS = Math.ulp(1.0);

        @Override
        public double link(double mu) {
            return Math.log(mu);
        }

        @Override
        public double linkInverse(double eta) {
            return Math.max(Math.exp(eta), EPS);
        }

        @Override
        public double muEta(double eta) {
            return Math.max(Math.exp(eta), EPS);
        }

        @Override
        public double variance(double mu) {
            return mu;
        }

        @Override
        public double devianceResidual(double y, double mu, double w) {
            return y > 0 ? 2 * w * (y * Math.log(y / mu) - (y - mu)) : 2 * mu * w;
        }

        @Override
        public double muStart(double y, double w) {
            return y + 0.1;
        }

        @Override
        public boolean validMu(double mu) {
            return Double.isFinite(mu) && mu > 0;
        }

        @Override
        public boolean validResponse(double y) {
            return y >= 0;
        }

        @Override
        public String responseRule() {
            return "not negative";
        }

        @Override
        public double aicContribution(double y, double mu, double w) {
            double logDpois = (y > 0 ? y * Math.log(mu) : 0) - mu - Gamma.logGamma(y + 1);
            return -2 * w * logDpois;
        }

        @Override
        public double aic(double aicSum, long n, double sumLogWeights, double deviance) {
            return aicSum;
        }
    },

    /** Gaussian with the identity link (the dispersion is estimated). */
    GAUSSIAN {
        @Override
        public double link(double mu) {
            return mu;
        }

        @Override
        public double linkInverse(double eta) {
            return eta;
        }

        @Override
        public double muEta(double eta) {
            return 1;
        }

        @Override
        public double variance(double mu) {
            return 1;
        }

        @Override
        public double devianceResidual(double y, double mu, double w) {
            double r = y - mu;
            return w * r * r;
        }

        @Override
        public double muStart(double y, double w) {
            return y;
        }

        @Override
        public boolean validMu(double mu) {
            return Double.isFinite(mu);
        }

        @Override
        public boolean validResponse(double y) {
            return Double.isFinite(y);
        }

        @Override
        public String responseRule() {
            return "finite";
        }

        @Override
        public double aicContribution(double y, double mu, double w) {
            return 0;
        }

        /**
         * R's gaussian AIC over the rows with positive weight. (R's {@code gaussian()$aic} also counts the rows of
         * weight 0, whose log weight makes it infinite; here they take no part, as in the rest of the fit.)
         */
        @Override
        public double aic(double aicSum, long n, double sumLogWeights, double deviance) {
            return n * (Math.log(2 * Math.PI * deviance / n) + 1) + 2 - sumLogWeights;
        }

        @Override
        public boolean dispersionFixed() {
            return false;
        }
    };

    /** The link function g(mu). */
    public abstract double link(double mu);

    /** The inverse link g⁻¹(eta), with R's thresholds. */
    public abstract double linkInverse(double eta);

    /** d mu / d eta at eta, as R's {@code mu.eta}. */
    public abstract double muEta(double eta);

    /** The variance function V(mu). */
    public abstract double variance(double mu);

    /** One row's deviance residual (squared, weighted) as R's {@code dev.resids(y, mu, w)}. */
    public abstract double devianceResidual(double y, double mu, double w);

    /** R's starting mean for one row. */
    public abstract double muStart(double y, double w);

    /** Whether mu is a valid mean (R's {@code validmu}). */
    public abstract boolean validMu(double mu);

    /** Whether the family can model a response value (binomial: in [0, 1]; poisson: not negative). */
    public abstract boolean validResponse(double y);

    /** What {@link #validResponse} requires, for messages: "in [0, 1]", "not negative" or "finite". */
    public abstract String responseRule();

    /** Rejects a response value the family cannot model. */
    public void checkResponse(double y) {
        if (!validResponse(y)) {
            throw new IllegalArgumentException("a " + name().toLowerCase(java.util.Locale.ROOT) + " response must be "
                    + responseRule() + ", got " + y);
        }
    }

    /** One row's term of R's {@code family$aic} sum (binomial and poisson: −2·w·log-likelihood; gaussian: 0). */
    public abstract double aicContribution(double y, double mu, double w);

    /**
     * R's {@code family$aic} (before adding 2·rank) from pooled parts.
     *
     * @param aicSum the pooled sum of {@link #aicContribution}
     * @param n the number of rows (with positive weight)
     * @param sumLogWeights Σ log w
     * @param deviance the deviance
     */
    public abstract double aic(double aicSum, long n, double sumLogWeights, double deviance);

    /** Whether the dispersion is fixed at 1 (binomial, poisson) rather than estimated (gaussian). */
    public boolean dispersionFixed() {
        return true;
    }

    private static double yLogY(double y, double mu) {
        return y != 0 ? y * Math.log(y / mu) : 0;
    }
}
