package org.fedstats.stats.glm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.fedstats.stats.lm.NormalEquations;
import org.fedstats.stats.model.Design;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;

/**
 * Coordinator side of a GLM: the IRLS state machine that reproduces R's {@code glm.fit} with stateless nodes.
 *
 * <p>Drive it with {@link #nextRequest()} (send it to every node), pool the nodes' {@link GlmRoundStats} and pass
 * them to {@link #accept(GlmRoundStats)}, which answers {@link Step.Send} (the next request) or {@link Step.Done}
 * (the fit). Round k evaluates the deviance at β_k (round 0 at R's mustart) and provides the WLS system at that mean;
 * as in R, the fit has converged at iteration k when |dev_k − dev_{k−1}| / (|dev_k| + 0.1) &lt; ε, and otherwise β_{k+1}
 * is the WLS solution of round k. A non-finite deviance or invalid mean halves the step towards the previous
 * coefficients, as R does. The standard errors use the X'WX of the last WLS step (R's QR of the final iteration).
 *
 * <p>Null deviance: with an intercept and no offset, the deviance at the weighted mean of y (sent as
 * {@link GlmRequest#nullMu()} from round 1 on, so no extra round); without an intercept, the deviance at
 * eta = offset (one extra round at β = 0 when there is an offset); with an intercept and an offset, R fits the
 * intercept-only model with the offset, started at the full model's fitted values: so does this class, in extra
 * intercept-only rounds (the first evaluated at the full model's coefficients).
 */
public final class Irls {

    /** What to do after a round. */
    public sealed interface Step permits Step.Send, Step.Done {
        /** Send this request to every node and accept their pooled statistics. */
        record Send(GlmRequest request) implements Step {
        }

        /** The fit is finished (see {@link GlmFit#converged()}). */
        record Done(GlmFit fit) implements Step {
        }
    }

    private enum Phase { MAIN, NULL_AT_OFFSET, NULL_FIT, DONE }

    private final Family family;
    private final List<String> columns;
    private final GlmControl control;
    private final boolean intercept;
    private final Loop main;
    private Loop nullLoop;
    private Phase phase = Phase.MAIN;
    private GlmRequest pending = GlmRequest.start();
    private double nullMu = Double.NaN;
    private GlmRoundStats mainFinal;
    private GlmFit result;

    /** An IRLS fit with R's default control. */
    public Irls(Family family, List<String> columns) {
        this(family, columns, GlmControl.defaults());
    }

    /**
     * An IRLS fit.
     *
     * @param columns the design column names (an intercept is {@value Design#INTERCEPT}, the first column)
     */
    public Irls(Family family, List<String> columns, GlmControl control) {
        this.family = Objects.requireNonNull(family, "family");
        this.columns = List.copyOf(columns);
        this.control = Objects.requireNonNull(control, "control");
        if (this.columns.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one column");
        }
        int i = this.columns.indexOf(Design.INTERCEPT);
        if (i > 0) {
            throw new IllegalArgumentException("the intercept must be the first column");
        }
        this.intercept = i == 0;
        this.main = new Loop(this.columns);
    }

    /** The request to send to the nodes next. */
    public GlmRequest nextRequest() {
        if (phase == Phase.DONE) {
            throw new IllegalStateException("the fit is finished");
        }
        return pending;
    }

    /** The coefficients to send next (null for round 0). */
    public double[] nextBeta() {
        return nextRequest().beta();
    }

    /** The fit, once finished. */
    public Optional<GlmFit> result() {
        return Optional.ofNullable(result);
    }

    /**
     * Accepts the pooled statistics of the round of {@link #nextRequest()}.
     *
     * @throws IllegalStateException when no valid coefficients can be found (R's errors) or the fit is finished
     * @throws IllegalArgumentException when a column is aliased or the statistics do not fit the request
     */
    public Step accept(GlmRoundStats pooled) {
        Objects.requireNonNull(pooled, "pooled");
        switch (phase) {
            case DONE -> throw new IllegalStateException("the fit is finished");
            case MAIN -> {
                check(pooled, columns.size());
                if (main.beta == null) {
                    if (pooled.n() == 0) {
                        throw new IllegalArgumentException("no rows with positive weight at any site");
                    }
                    if (pooled.offsetRows() == 0) {
                        nullMu = intercept ? pooled.sumWeightedY() / pooled.sumWeights() : family.linkInverse(0);
                    }
                }
                double[] next = main.handle(pooled);
                if (next != null) {
                    return send(new GlmRequest(next, false, nullMu));
                }
                mainFinal = pooled;
                if (pooled.offsetRows() == 0) {
                    return finish(pooled.nullDeviance());
                }
                if (!intercept) {
                    phase = Phase.NULL_AT_OFFSET;
                    return send(new GlmRequest(new double[columns.size()], false, Double.NaN));
                }
                phase = Phase.NULL_FIT;
                nullLoop = new Loop(List.of(Design.INTERCEPT));
                return send(new GlmRequest(main.beta.clone(), true, Double.NaN));
            }
            case NULL_AT_OFFSET -> {
                check(pooled, columns.size());
                return finish(pooled.deviance());
            }
            case NULL_FIT -> {
                check(pooled, 1);
                double[] next = nullLoop.handle(pooled);
                if (next != null) {
                    return send(new GlmRequest(next, true, Double.NaN));
                }
                return finish(pooled.deviance());
            }
            default -> throw new AssertionError(phase);
        }
    }

    /**
     * Runs a whole fit, calling {@code pooledRound} for each request (it asks every node and pools their answers).
     */
    public static GlmFit run(Family family, List<String> columns, GlmControl control,
            Function<GlmRequest, GlmRoundStats> pooledRound) {
        Irls irls = new Irls(family, columns, control);
        while (true) {
            Step step = irls.accept(pooledRound.apply(irls.nextRequest()));
            if (step instanceof Step.Done done) {
                return done.fit();
            }
        }
    }

    private Step send(GlmRequest request) {
        pending = request;
        return new Step.Send(request);
    }

    private static void check(GlmRoundStats s, int p) {
        if (s.p() != p) {
            throw new IllegalArgumentException("expected round statistics of " + p + " columns, got " + s.p());
        }
    }

    private Step finish(double nullDeviance) {
        int p = columns.size();
        GlmRoundStats fin = mainFinal;
        long n = fin.n();
        long dfResidual = n - p;
        double dispersion = family.dispersionFixed() ? 1.0
                : (dfResidual > 0 ? fin.pearson() / dfResidual : Double.NaN);
        double[] inv = main.lastInverse;
        List<Double> est = new ArrayList<>();
        List<Double> se = new ArrayList<>();
        List<Double> stat = new ArrayList<>();
        List<Double> pv = new ArrayList<>();
        TDistribution t = !family.dispersionFixed() && dfResidual > 0 ? new TDistribution(dfResidual) : null;
        NormalDistribution normal = new NormalDistribution();
        for (int i = 0; i < p; i++) {
            double b = main.beta[i];
            double s = Math.sqrt(dispersion * inv[i * p + i]);
            double z = b / s;
            est.add(b);
            se.add(s);
            stat.add(z);
            if (family.dispersionFixed()) {
                pv.add(2 * normal.cumulativeProbability(-Math.abs(z)));
            } else {
                pv.add(t == null ? Double.NaN : 2 * t.cumulativeProbability(-Math.abs(z)));
            }
        }
        double aic = family.aic(fin.aicSum(), n, fin.sumLogWeights(), fin.deviance()) + 2 * p;
        result = new GlmFit(family, columns, est, se, stat, pv, dispersion, fin.deviance(), nullDeviance, aic, n,
                dfResidual, n - (intercept ? 1 : 0), main.iter, main.converged);
        phase = Phase.DONE;
        return new Step.Done(result);
    }

    /** One IRLS loop (the full model, or the intercept-only model with an offset). */
    private final class Loop {
        private final List<String> cols;
        private int iter;
        private double devold;
        private double[] beta;
        private double[] coefold;
        private double[] lastInverse;
        private int halvings;
        private boolean converged;

        Loop(List<String> cols) {
            this.cols = cols;
        }

        /** The next coefficients to evaluate, or null when the loop has finished at the current ones. */
        double[] handle(GlmRoundStats s) {
            double dev = s.deviance();
            boolean valid = s.invalidRows() == 0 && Double.isFinite(dev);
            if (beta == null) {
                if (!valid) {
                    throw new IllegalStateException("cannot find valid starting values: the response does not fit the "
                            + family.name().toLowerCase() + " family");
                }
                devold = dev;
                solve(s);
                return beta;
            }
            if (!valid) {
                if (coefold == null) {
                    throw new IllegalStateException(
                            "no valid set of coefficients has been found: the first IRLS step gives an invalid fit");
                }
                if (++halvings > control.maxIterations()) {
                    throw new IllegalStateException("cannot correct the step size: the deviance stays invalid");
                }
                for (int i = 0; i < beta.length; i++) {
                    beta[i] = (beta[i] + coefold[i]) / 2;
                }
                return beta.clone();
            }
            halvings = 0;
            if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < control.epsilon()) {
                converged = true;
                return null;
            }
            if (iter >= control.maxIterations()) {
                converged = false;
                return null;
            }
            devold = dev;
            coefold = beta.clone();
            solve(s);
            return beta.clone();
        }

        private void solve(GlmRoundStats s) {
            NormalEquations.Solution sol = NormalEquations.solve(cols, s.xtwx(), s.xtwz());
            beta = sol.beta();
            lastInverse = sol.inverse();
            iter++;
        }
    }
}
