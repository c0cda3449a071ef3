package org.fedstats.client.analysis;

import java.util.Locale;

/** Number formatting shared by the views and the command line's listings. */
public final class Render {
  private Render() {}

  /** Six significant digits without trailing zeros, "NA" for NaN: 59.7546, 0.123457, 1e+06. */
  public static String number(double v) {
    if (Double.isNaN(v)) {
      return "NA";
    }
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
  }
}
