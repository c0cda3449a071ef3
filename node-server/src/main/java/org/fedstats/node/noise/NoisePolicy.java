package org.fedstats.node.noise;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.fedstats.node.disclosure.noise.BoundedSum;
import org.fedstats.node.disclosure.noise.PerturbationTable;
import org.fedstats.node.disclosure.noise.PrivacyCost;

/**
 * A dataset's noise: none (the default), differential privacy with discrete Laplace or Gaussian noise and a budget
 * per researcher, or cell-key perturbation of counts.
 *
 * @param mode what is done
 * @param epsilonPerQuery ε one DP release spends
 * @param deltaPerQuery δ one DP release spends (0 for Laplace, positive for Gaussian)
 * @param budget each researcher's total (ε, δ) on the dataset
 * @param bounds the declared bounds and grid of the variables whose mean may be released under DP
 * @param cellKey the perturbation table of cell-key mode (null in other modes)
 */
public record NoisePolicy(Mode mode, BigDecimal epsilonPerQuery, BigDecimal deltaPerQuery, PrivacyCost budget,
    Map<String, BoundedSum> bounds, PerturbationTable cellKey) {
  /** No noise: answers are exactly as without this feature. */
  public static final NoisePolicy NONE = new NoisePolicy(Mode.NONE, BigDecimal.ZERO, BigDecimal.ZERO,
      PrivacyCost.ZERO, Map.of(), null);

  public static final BigDecimal DEFAULT_EPSILON_PER_QUERY = new BigDecimal("0.1");
  public static final BigDecimal DEFAULT_DELTA_PER_QUERY = new BigDecimal("1e-7");
  public static final BigDecimal DEFAULT_BUDGET_EPSILON = BigDecimal.ONE;
  public static final int DEFAULT_MAX_NOISE = 3;
  public static final double DEFAULT_VARIANCE = 1.5;
  public static final int DEFAULT_SMALL_COUNT_THRESHOLD = 2;

  /** The modes, as configured. */
  public enum Mode {
    NONE("none"), DP_LAPLACE("dp-laplace"), DP_GAUSSIAN("dp-gaussian"), CELL_KEY("cell-key");

    private final String id;

    Mode(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public boolean differentialPrivacy() {
      return this == DP_LAPLACE || this == DP_GAUSSIAN;
    }

    static Mode parse(String text) {
      for (Mode m : values()) {
        if (m.id.equals(text.toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown noise mode '" + text
          + "'; use none, dp-laplace, dp-gaussian or cell-key");
    }
  }

  public NoisePolicy {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(epsilonPerQuery, "epsilon-per-query");
    Objects.requireNonNull(deltaPerQuery, "delta-per-query");
    Objects.requireNonNull(budget, "budget");
    bounds = Map.copyOf(bounds);
    if (mode.differentialPrivacy()) {
      if (epsilonPerQuery.signum() <= 0) {
        throw new IllegalArgumentException("epsilon-per-query must be positive, not " + epsilonPerQuery.toPlainString());
      }
      if (mode == Mode.DP_GAUSSIAN && (deltaPerQuery.signum() <= 0 || deltaPerQuery.compareTo(BigDecimal.ONE) >= 0)) {
        throw new IllegalArgumentException("dp-gaussian needs delta-per-query in (0, 1), not "
            + deltaPerQuery.toPlainString());
      }
      if (mode == Mode.DP_LAPLACE && deltaPerQuery.signum() != 0) {
        throw new IllegalArgumentException("dp-laplace spends no delta; remove delta-per-query or use dp-gaussian");
      }
      if (!new PrivacyCost(epsilonPerQuery, deltaPerQuery).fitsWithin(budget)) {
        throw new IllegalArgumentException("the budget (epsilon " + budget.epsilon().toPlainString() + ", delta "
            + budget.delta().toPlainString() + ") does not cover one query (epsilon "
            + epsilonPerQuery.toPlainString() + ", delta " + deltaPerQuery.toPlainString() + ")");
      }
    }
    if ((mode == Mode.CELL_KEY) != (cellKey != null)) {
      throw new IllegalArgumentException("a perturbation table is for cell-key mode only");
    }
  }

  /** The {@code noise} section of a dataset's configuration, as written; unset keys take the defaults. */
  public record Config(String mode, BigDecimal epsilonPerQuery, BigDecimal deltaPerQuery, BudgetConfig budget,
      Map<String, BoundsConfig> bounds, CellKeyConfig cellKey) {}

  public record BudgetConfig(BigDecimal epsilon, BigDecimal delta) {}

  public record BoundsConfig(BigDecimal lo, BigDecimal hi, BigDecimal resolution) {}

  public record CellKeyConfig(Integer maxNoise, Double variance, Integer smallCountThreshold) {}

  /**
   * The policy a dataset's {@code noise} section describes ({@link #NONE} when absent); a problem is an
   * {@link IllegalArgumentException} whose message is one line. {@code numeric} says whether a declared variable
   * exists and is numeric (integer or numeric), which bounds need.
   */
  public static NoisePolicy of(Config c, java.util.function.Predicate<String> numeric) {
    if (c == null) {
      return NONE;
    }
    Mode mode = c.mode() == null ? Mode.NONE : Mode.parse(c.mode());
    Map<String, BoundedSum> bounds = new LinkedHashMap<>();
    if (c.bounds() != null) {
      for (var e : c.bounds().entrySet()) {
        String name = e.getKey();
        BoundsConfig b = e.getValue();
        if (!numeric.test(name)) {
          throw new IllegalArgumentException("bounds name '" + name + "', which is not a declared numeric variable");
        }
        if (b == null || b.lo() == null || b.hi() == null || b.resolution() == null) {
          throw new IllegalArgumentException("bounds of " + name + " need lo, hi and resolution");
        }
        if (b.lo().compareTo(b.hi()) >= 0) {
          throw new IllegalArgumentException("bounds of " + name + ": lo must be below hi");
        }
        try {
          bounds.put(name, new BoundedSum(b.lo(), b.hi(), b.resolution()));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException("bounds of " + name + ": " + ex.getMessage());
        }
      }
    }
    if (!mode.differentialPrivacy() && (c.epsilonPerQuery() != null || c.deltaPerQuery() != null
        || c.budget() != null || !bounds.isEmpty())) {
      throw new IllegalArgumentException("epsilon-per-query, delta-per-query, budget and bounds apply to dp-laplace "
          + "and dp-gaussian only, not to mode " + mode.id());
    }
    if (mode != Mode.CELL_KEY && c.cellKey() != null) {
      throw new IllegalArgumentException("cell-key settings apply to mode cell-key only, not to " + mode.id());
    }
    return switch (mode) {
      case NONE -> NONE;
      case CELL_KEY -> {
        CellKeyConfig k = c.cellKey() == null ? new CellKeyConfig(null, null, null) : c.cellKey();
        try {
          yield new NoisePolicy(mode, BigDecimal.ZERO, BigDecimal.ZERO, PrivacyCost.ZERO, Map.of(),
              PerturbationTable.build(k.maxNoise() == null ? DEFAULT_MAX_NOISE : k.maxNoise(),
                  k.variance() == null ? DEFAULT_VARIANCE : k.variance(),
                  k.smallCountThreshold() == null ? DEFAULT_SMALL_COUNT_THRESHOLD : k.smallCountThreshold()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("cell-key: " + e.getMessage());
        }
      }
      case DP_LAPLACE, DP_GAUSSIAN -> {
        BigDecimal epsilon = c.epsilonPerQuery() == null ? DEFAULT_EPSILON_PER_QUERY : c.epsilonPerQuery();
        BigDecimal delta = c.deltaPerQuery() != null ? c.deltaPerQuery()
            : mode == Mode.DP_GAUSSIAN ? DEFAULT_DELTA_PER_QUERY : BigDecimal.ZERO;
        BigDecimal budgetEpsilon = c.budget() == null || c.budget().epsilon() == null ? DEFAULT_BUDGET_EPSILON
            : c.budget().epsilon();
        // Unless set, the δ budget allows as many queries as the ε budget.
        BigDecimal budgetDelta = c.budget() != null && c.budget().delta() != null ? c.budget().delta()
            : epsilon.signum() > 0
                ? delta.multiply(new BigDecimal(budgetEpsilon.divideToIntegralValue(epsilon).toBigInteger()))
                : BigDecimal.ZERO;
        PrivacyCost budget;
        try {
          budget = new PrivacyCost(budgetEpsilon, budgetDelta);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("budget: " + e.getMessage());
        }
        yield new NoisePolicy(mode, epsilon, delta, budget, bounds, null);
      }
    };
  }

  /** What one DP release spends. */
  public PrivacyCost costPerQuery() {
    return new PrivacyCost(epsilonPerQuery, deltaPerQuery);
  }
}
