package org.fedstats.stats.meta;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One site's fitted model as the meta-analysis needs it: the names of the coefficients, their estimates and their
 * variances (the diagonal of the site's covariance matrix).
 *
 * @param terms coefficient names, distinct and non-blank, e.g. {@code "(Intercept)"}, {@code "age"}
 * @param estimates one finite estimate per term
 * @param variances one finite, strictly positive variance per term
 */
public record SiteCoefficients(List<String> terms, double[] estimates, double[] variances) {

    /** Validates lengths, names and values and copies the arrays. */
    public SiteCoefficients {
        terms = List.copyOf(terms);
        estimates = estimates.clone();
        variances = variances.clone();
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("at least one term is needed");
        }
        if (estimates.length != terms.size() || variances.length != terms.size()) {
            throw new IllegalArgumentException("one estimate and one variance per term are needed");
        }
        if (new HashSet<>(terms).size() != terms.size() || terms.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("term names must be distinct and non-blank: " + terms);
        }
        for (int j = 0; j < terms.size(); j++) {
            new SiteEstimate(estimates[j], variances[j]); // validates
        }
    }

    /**
     * A site's coefficients given by standard errors.
     *
     * @param terms coefficient names
     * @param estimates estimates
     * @param standardErrors standard errors, &gt; 0
     * @return the coefficients with variances {@code se²}
     */
    public static SiteCoefficients ofStandardErrors(List<String> terms, double[] estimates, double[] standardErrors) {
        double[] v = new double[standardErrors.length];
        for (int j = 0; j < v.length; j++) {
            v[j] = SiteEstimate.ofStandardError(0, standardErrors[j]).variance();
        }
        return new SiteCoefficients(terms, estimates, v);
    }

    /** {@return a copy of the estimates} */
    @Override
    public double[] estimates() {
        return estimates.clone();
    }

    /** {@return a copy of the variances} */
    @Override
    public double[] variances() {
        return variances.clone();
    }

    /**
     * One coefficient of this site.
     *
     * @param term a coefficient name
     * @return this site's estimate and variance of it
     * @throws IllegalArgumentException if the site has no such term
     */
    public SiteEstimate get(String term) {
        int j = terms.indexOf(term);
        if (j < 0) {
            throw new IllegalArgumentException("no term " + term + " in " + terms);
        }
        return new SiteEstimate(estimates[j], variances[j]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SiteCoefficients s && terms.equals(s.terms) && Arrays.equals(estimates, s.estimates)
                && Arrays.equals(variances, s.variances);
    }

    @Override
    public int hashCode() {
        return Objects.hash(terms, Arrays.hashCode(estimates), Arrays.hashCode(variances));
    }

    @Override
    public String toString() {
        return "SiteCoefficients[terms=" + terms + ", estimates=" + Arrays.toString(estimates) + ", variances="
                + Arrays.toString(variances) + "]";
    }
}
