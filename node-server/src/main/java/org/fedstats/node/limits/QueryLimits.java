package org.fedstats.node.limits;

/**
 * A dataset's query budget per researcher: at most {@code perHour} queries in any 60 minutes and {@code perDay} in
 * any 24 hours (sliding windows). {@link #UNLIMITED} ({@link Integer#MAX_VALUE}) means no limit, the default.
 */
public record QueryLimits(int perHour, int perDay) {
  public static final int UNLIMITED = Integer.MAX_VALUE;
  public static final QueryLimits NONE = new QueryLimits(UNLIMITED, UNLIMITED);

  public QueryLimits {
    if (perHour < 1) {
      throw new IllegalArgumentException("limits.queries-per-hour must be at least 1, not " + perHour);
    }
    if (perDay < 1) {
      throw new IllegalArgumentException("limits.queries-per-day must be at least 1, not " + perDay);
    }
  }

  /** These limits with those {@code config} sets replaced (null: none set). */
  public QueryLimits with(Config config) {
    if (config == null) {
      return this;
    }
    return new QueryLimits(config.queriesPerHour() != null ? config.queriesPerHour() : perHour,
        config.queriesPerDay() != null ? config.queriesPerDay() : perDay);
  }

  /** The limits as a node's configuration writes them ({@code limits: {queries-per-hour, queries-per-day}}). */
  public record Config(Integer queriesPerHour, Integer queriesPerDay) {}
}
