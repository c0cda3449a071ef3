/**
 * The client side of the analyses, one package a unit ({@code count}, {@code summary}, {@code table},
 * {@code histogram}, {@code chisq}, {@code correlation}, {@code meta}; {@code model} holds {@code lm} and
 * {@code glm}, which share their view), and the small interface they implement: a
 * {@link org.fedstats.client.analysis.View} decodes
 * and renders a unit's results, a {@link org.fedstats.client.analysis.AnalysisSpec} is an analysis ready to run with its
 * view, an {@link org.fedstats.client.analysis.AnalysisCommand} is its CLI subcommand (sharing
 * {@link org.fedstats.client.analysis.AnalysisOptions}), and a {@link org.fedstats.client.analysis.Unit} names the
 * three for the registry, {@link org.fedstats.client.Analyses}.
 *
 * <p>Dependencies go one way: the units use this package, the protobuf messages and picocli, never the SDK core
 * ({@code org.fedstats.client}) nor the CLI; the core uses the units through the registry and through
 * {@code Query}'s convenience methods. Adding an analysis is a new package here and one line in the registry.
 */
package org.fedstats.client.analysis;
