package org.fedstats.node.disclosure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whether a dataset's site-level results may be shown to researchers ({@code shown}, the default) or go into pooled
 * values only ({@code pooled-only}): the node then marks each answer, and the coordinator withholds the site's values
 * from what it returns, keeping the pooled value and the site's outcome.
 */
public enum SiteResults {
  SHOWN,
  POOLED_ONLY;

  /** The name in configuration files: {@code shown}, {@code pooled-only}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static SiteResults parse(String text) {
    return Arrays.stream(values()).filter(v -> v.label().equals(text.trim().toLowerCase(Locale.ROOT))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("site-results must be "
            + Arrays.stream(values()).map(SiteResults::label).collect(Collectors.joining(" or ")) + ", not '"
            + text + "'"));
  }
}
