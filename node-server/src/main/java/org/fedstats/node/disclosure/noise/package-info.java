/**
 * Opt-in noise for released statistics, against averaging and differencing attacks that threshold rules alone do
 * not stop. Two independent protections:
 *
 * <ol>
 *   <li><b>Differential privacy</b> with exact discrete noise. {@link org.fedstats.node.disclosure.noise.ExactSampler}
 *       draws discrete Laplace and discrete Gaussian noise exactly, in integer arithmetic (Canonne, Kamath and
 *       Steinke 2020). {@link org.fedstats.node.disclosure.noise.LaplaceMechanism} and
 *       {@link org.fedstats.node.disclosure.noise.GaussianMechanism} add it to counts, table cells, histogram bins
 *       and clamped sums ({@link org.fedstats.node.disclosure.noise.BoundedSum}),
 *       {@link org.fedstats.node.disclosure.noise.MeanMechanism} releases a mean as noisy sum over noisy count, and
 *       each states its {@link org.fedstats.node.disclosure.noise.PrivacyCost} (ε, δ); Gaussian costs go through
 *       zCDP ({@link org.fedstats.node.disclosure.noise.Zcdp}). Fresh noise on every release means repeated
 *       queries average it away, so every release spends budget: the
 *       {@link org.fedstats.node.disclosure.noise.PrivacyLedger} keeps each researcher's spend per dataset on disk
 *       and refuses a release that would exceed the budget.</li>
 *   <li><b>Cell-key perturbation</b> (the ABS TableBuilder method). {@link org.fedstats.node.disclosure.noise.RecordKeys}
 *       gives each record a secret, stable key; a cell's key is the sum of its records' keys, and the
 *       {@link org.fedstats.node.disclosure.noise.PerturbationTable} maps (cell key, count) to bounded, zero-mean
 *       noise. The same cell always gets the same noise, so repetition gains nothing and no budget is spent, while
 *       cells differing by one record get unrelated noise. It is not differential privacy: it protects against
 *       differencing and averaging of tables, not against every inference.</li>
 * </ol>
 *
 * <p>Neighbouring datasets differ by adding or removing one record; a record is assumed to be one person. The
 * package depends on nothing else in the node, so the disclosure gate and the analyses can use it without cycles;
 * it holds no configuration of its own.
 */
package org.fedstats.node.disclosure.noise;
