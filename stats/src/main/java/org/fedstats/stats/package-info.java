/**
 * The statistics of fedstats as pure functions, in one package per method: what a site computes from its own rows
 * (sufficient statistics) and how the coordinator pools the sites' statistics exactly. Nothing here reads data,
 * talks to a network or knows about disclosure control.
 */
package org.fedstats.stats;
