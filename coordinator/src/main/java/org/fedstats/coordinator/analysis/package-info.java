/**
 * The coordinator's side of an analysis as one unit, and what a unit may use.
 *
 * <p>A unit ({@link org.fedstats.coordinator.analysis.CoordinatorAnalysis}) lives in a package of its own below this
 * one ({@code count}, {@code summary}, ...) and holds three things: the check of one site's answer, the exact
 * combine of the sites' answers, and, for an analysis that takes several rounds of fan-out, the
 * {@link org.fedstats.coordinator.analysis.RoundDriver} that decides what each round asks. The federation runs any
 * unit the same way, without knowing which analysis it is. This package depends on the protocol only: never on the
 * federation, the service or the units themselves.
 */
package org.fedstats.coordinator.analysis;
