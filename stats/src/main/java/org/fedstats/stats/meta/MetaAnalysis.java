package org.fedstats.stats.meta;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.special.Erf;
import org.hipparchus.special.Gamma;

/**
 * Coordinator-side study-level meta-analysis: pools the sites' estimates of a coefficient by inverse-variance
 * weighting, as {@code metafor::rma(yi, vi, method = "FE" | "DL" | "REML")} does (z tests, normal intervals).
 *
 * <p>Sites with k = 1: τ² is 0 for both random-effects methods (it cannot be estimated from one site) so every model
 * returns the site's own estimate and standard error; Q = 0 on 0 degrees of freedom. With k = 2 everything is
 * computed, but τ² rests on a single degree of freedom and is very imprecise. All methods are pure functions.
 */
public final class MetaAnalysis {

    /** The default confidence level of the intervals. */
    public static final double DEFAULT_LEVEL = 0.95;

    private MetaAnalysis() {
    }

    /**
     * Fixed effect, DerSimonian–Laird and REML at the 95% level.
     *
     * @param sites the sites' estimates of one coefficient; at least one
     * @return the three analyses
     */
    public static MetaAnalysisResult analyse(List<SiteEstimate> sites) {
        return analyse(sites, DEFAULT_LEVEL);
    }

    /**
     * Fixed effect, DerSimonian–Laird and REML.
     *
     * @param sites the sites' estimates of one coefficient; at least one
     * @param level confidence level of the intervals, in (0, 1)
     * @return the three analyses
     */
    public static MetaAnalysisResult analyse(List<SiteEstimate> sites, double level) {
        return analyse(sites, level, RemlControl.DEFAULT);
    }

    /**
     * Fixed effect, DerSimonian–Laird and REML.
     *
     * @param sites the sites' estimates of one coefficient; at least one
     * @param level confidence level of the intervals, in (0, 1)
     * @param control the REML iteration's settings ({@link RemlControl#METAFOR} to reproduce metafor exactly)
     * @return the three analyses
     */
    public static MetaAnalysisResult analyse(List<SiteEstimate> sites, double level, RemlControl control) {
        return new MetaAnalysisResult(sites.size(), fixedEffect(sites, level), derSimonianLaird(sites, level),
                reml(sites, level, control));
    }

    /**
     * Meta-analyses every coefficient of a model fitted at each site.
     *
     * @param sites each site's coefficients; every site must have the same terms (in any order)
     * @return per term, in the first site's order of terms, the three analyses at the 95% level
     * @throws IllegalArgumentException if no site is given or the sites' terms differ
     */
    public static Map<String, MetaAnalysisResult> analyseTerms(List<SiteCoefficients> sites) {
        return analyseTerms(sites, DEFAULT_LEVEL);
    }

    /**
     * Meta-analyses every coefficient of a model fitted at each site.
     *
     * @param sites each site's coefficients; every site must have the same terms (in any order)
     * @param level confidence level of the intervals, in (0, 1)
     * @return per term, in the first site's order of terms (an unmodifiable, ordered map), the three analyses
     * @throws IllegalArgumentException if no site is given or the sites' terms differ
     */
    public static Map<String, MetaAnalysisResult> analyseTerms(List<SiteCoefficients> sites, double level) {
        return analyseTerms(sites, level, RemlControl.DEFAULT);
    }

    /**
     * Meta-analyses every coefficient of a model fitted at each site.
     *
     * @param sites each site's coefficients; every site must have the same terms (in any order)
     * @param level confidence level of the intervals, in (0, 1)
     * @param control the REML iteration's settings
     * @return per term, in the first site's order of terms (an unmodifiable, ordered map), the three analyses
     * @throws IllegalArgumentException if no site is given or the sites' terms differ
     */
    public static Map<String, MetaAnalysisResult> analyseTerms(List<SiteCoefficients> sites, double level,
                                                               RemlControl control) {
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("at least one site is needed");
        }
        List<String> terms = sites.get(0).terms();
        for (SiteCoefficients s : sites) {
            if (s.terms().size() != terms.size() || !s.terms().containsAll(terms)) {
                throw new IllegalArgumentException("sites disagree on the terms: " + terms + " vs " + s.terms());
            }
        }
        Map<String, MetaAnalysisResult> out = new LinkedHashMap<>();
        for (String term : terms) {
            List<SiteEstimate> per = new ArrayList<>(sites.size());
            for (SiteCoefficients s : sites) {
                per.add(s.get(term));
            }
            out.put(term, analyse(per, level, control));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The fixed-effect (inverse-variance) model with Cochran's Q and I².
     *
     * @param sites the sites' estimates; at least one
     * @param level confidence level, in (0, 1)
     * @return the fixed-effect analysis
     */
    public static FixedEffect fixedEffect(List<SiteEstimate> sites, double level) {
        int k = check(sites, level);
        PooledEstimate pooled = pool(sites, 0, level);
        double q = cochranQ(sites, pooled.estimate());
        int df = k - 1;
        double qp = df == 0 ? 1.0 : Gamma.regularizedGammaQ(df / 2.0, q / 2.0);
        double i2 = q > 0 ? Math.max(0, 100 * (q - df) / q) : 0;
        double h2 = df == 0 ? 1.0 : q / df;
        return new FixedEffect(k, pooled, q, df, qp, i2, h2);
    }

    /**
     * Random effects with DerSimonian and Laird's τ² = max(0, (Q − (k − 1))/(Σwᵢ − Σwᵢ²/Σwᵢ)).
     *
     * @param sites the sites' estimates; at least one (τ² = 0 for one)
     * @param level confidence level, in (0, 1)
     * @return the random-effects analysis
     */
    public static RandomEffects derSimonianLaird(List<SiteEstimate> sites, double level) {
        int k = check(sites, level);
        double tau2 = 0;
        if (k > 1) {
            double sw = 0;
            double sw2 = 0;
            for (SiteEstimate s : sites) {
                double w = 1 / s.variance();
                sw += w;
                sw2 += w * w;
            }
            double q = cochranQ(sites, pool(sites, 0, level).estimate());
            tau2 = Math.max(0, (q - (k - 1)) / (sw - sw2 / sw));
        }
        return randomEffects(RandomEffects.Method.DERSIMONIAN_LAIRD, sites, tau2, level, 0, true);
    }

    /**
     * Random effects with τ² by restricted maximum likelihood with {@link RemlControl#DEFAULT} (threshold 1e-10).
     *
     * @param sites the sites' estimates; at least one (τ² = 0 for one)
     * @param level confidence level, in (0, 1)
     * @return the random-effects analysis; {@code converged()} is false if the iteration limit was reached
     */
    public static RandomEffects reml(List<SiteEstimate> sites, double level) {
        return reml(sites, level, RemlControl.DEFAULT);
    }

    /**
     * Random effects with τ² by restricted maximum likelihood, by Fisher scoring exactly as metafor does: from
     * Hedges' estimate {@code max(0, s²(y) − mean(v))}, {@code τ² ← τ² + (Σwᵢ²(yᵢ − μ̂)² − tr P)/tr P²} with
     * {@code wᵢ = 1/(vᵢ + τ²)} and {@code P = W − wwᵀ/Σw}, the step halved while it would make τ² negative (so
     * τ² ≥ 0), until τ² changes by less than the control's threshold.
     *
     * @param sites the sites' estimates; at least one (τ² = 0 for one)
     * @param level confidence level, in (0, 1)
     * @param control threshold and iteration limit
     * @return the random-effects analysis; {@code converged()} is false if the iteration limit was reached
     */
    public static RandomEffects reml(List<SiteEstimate> sites, double level, RemlControl control) {
        int k = check(sites, level);
        if (k == 1) {
            return randomEffects(RandomEffects.Method.REML, sites, 0, level, 0, true);
        }
        double ybar = 0;
        double vbar = 0;
        for (SiteEstimate s : sites) {
            ybar += s.estimate() / k;
            vbar += s.variance() / k;
        }
        double ss = 0;
        for (SiteEstimate s : sites) {
            ss += (s.estimate() - ybar) * (s.estimate() - ybar);
        }
        double tau2 = Math.max(0, ss / (k - 1) - vbar);
        int iterations = 0;
        boolean converged = false;
        while (iterations < control.maxIterations()) {
            iterations++;
            double sw = 0;
            double sw2 = 0;
            double sw3 = 0;
            double swy = 0;
            for (SiteEstimate s : sites) {
                double w = 1 / (s.variance() + tau2);
                sw += w;
                sw2 += w * w;
                sw3 += w * w * w;
                swy += w * s.estimate();
            }
            double mu = swy / sw;
            double yppy = 0;
            for (SiteEstimate s : sites) {
                double w = 1 / (s.variance() + tau2);
                double r = s.estimate() - mu;
                yppy += w * w * r * r;
            }
            double trP = sw - sw2 / sw;
            double trPP = sw2 - 2 * sw3 / sw + (sw2 / sw) * (sw2 / sw);
            double adj = (yppy - trP) / trPP;
            if (tau2 == 0 && adj < 0) {
                adj = 0; // metafor halves such a step until it vanishes
            }
            while (tau2 + adj < 0) {
                adj /= 2;
            }
            double next = tau2 + adj;
            double change = Math.abs(next - tau2);
            tau2 = next;
            if (change < control.threshold()) {
                converged = true;
                break;
            }
        }
        return randomEffects(RandomEffects.Method.REML, sites, tau2, level, iterations, converged);
    }

    private static RandomEffects randomEffects(RandomEffects.Method method, List<SiteEstimate> sites, double tau2,
                                               double level, int iterations, boolean converged) {
        PooledEstimate pooled = pool(sites, tau2, level);
        int k = sites.size();
        double i2 = 0;
        double h2 = 1;
        if (k > 1) {
            double sw = 0;
            double sw2 = 0;
            for (SiteEstimate s : sites) {
                double w = 1 / s.variance();
                sw += w;
                sw2 += w * w;
            }
            double typical = (k - 1) * sw / (sw * sw - sw2);
            i2 = 100 * tau2 / (typical + tau2);
            h2 = (typical + tau2) / typical;
        }
        return new RandomEffects(method, tau2, pooled, i2, h2, iterations, converged);
    }

    private static PooledEstimate pool(List<SiteEstimate> sites, double tau2, double level) {
        double sw = 0;
        double swy = 0;
        for (SiteEstimate s : sites) {
            double w = 1 / (s.variance() + tau2);
            sw += w;
            swy += w * s.estimate();
        }
        double est = swy / sw;
        double se = Math.sqrt(1 / sw);
        double z = est / se;
        double p = Erf.erfc(Math.abs(z) / Math.sqrt(2));
        double crit = new NormalDistribution(0, 1).inverseCumulativeProbability(0.5 + level / 2);
        return new PooledEstimate(est, se, z, p, est - crit * se, est + crit * se, level);
    }

    private static double cochranQ(List<SiteEstimate> sites, double pooled) {
        double q = 0;
        for (SiteEstimate s : sites) {
            double r = s.estimate() - pooled;
            q += r * r / s.variance();
        }
        return q;
    }

    private static int check(List<SiteEstimate> sites, double level) {
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("at least one site is needed");
        }
        for (SiteEstimate s : sites) {
            java.util.Objects.requireNonNull(s, "site estimate");
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1): " + level);
        }
        return sites.size();
    }
}
