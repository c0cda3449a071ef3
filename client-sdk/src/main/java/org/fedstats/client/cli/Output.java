package org.fedstats.client.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.fedstats.client.Results.Count;
import org.fedstats.client.Results.Histogram;
import org.fedstats.client.Results.Result;
import org.fedstats.client.Results.Site;
import org.fedstats.client.Results.Summary;
import org.fedstats.client.Results.Table;

/** Renders results as human-readable text, JSON or CSV. */
final class Output {
  enum Format { TEXT, JSON, CSV }

  private Output() {}

  static void json(PrintWriter out, MessageOrBuilder message) {
    try {
      out.println(JsonFormat.printer().print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NA";
    }
    return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
  }

  static String csv(String field) {
    if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
      return '"' + field.replace("\"", "\"\"") + '"';
    }
    return field;
  }

  static String csvLine(List<String> fields) {
    return fields.stream().map(Output::csv).collect(Collectors.joining(","));
  }

  /** Prints a result in the chosen format. */
  static void result(PrintWriter out, Format format, String title, Result<?> result) {
    switch (format) {
      case JSON -> json(out, result.response());
      case CSV -> resultCsv(out, result);
      case TEXT -> resultText(out, title, result);
    }
    out.flush();
  }

  private static void resultText(PrintWriter out, String title, Result<?> result) {
    out.println(title);
    for (Site<?> s : result.sites()) {
      String line = switch (s.status()) {
        case ANSWERED -> "answered  " + s.result().map(Output::brief).orElse("");
        case REFUSED -> "REFUSED   rule " + s.refusal().get().rule() + " (threshold " + s.refusal().get().threshold()
            + "): " + s.refusal().get().reason();
        case FAILED -> "FAILED    " + s.errorCode() + ": " + s.error();
        default -> s.status().name();
      };
      out.printf("  %-8s %s  [%s ms]%n", s.nodeId(), line, number(s.latencyMs()));
    }
    if (result.pooled().isPresent()) {
      Object pooled = result.pooled().get();
      if (pooled instanceof Table t) {
        out.println("  pooled:");
        tableText(out, t);
      } else if (pooled instanceof Histogram h) {
        out.println("  pooled:");
        histogramText(out, h);
      } else {
        out.println("  pooled   " + brief(pooled));
      }
    }
    out.println("  " + result.note());
  }

  private static String brief(Object r) {
    return switch (r) {
      case Count c -> "count = " + c.count();
      case Summary s -> "n = " + s.n() + ", missing = " + s.missing() + ", mean = " + number(s.mean())
          + ", variance = " + number(s.variance()) + ", sd = " + number(s.sd());
      case Table t -> "table of " + t.total() + " records";
      case Histogram h -> "histogram of " + (h.counts().stream().mapToLong(Long::longValue).sum() + h.below()
          + h.above()) + " values";
      default -> r.toString();
    };
  }

  private static void tableText(PrintWriter out, Table t) {
    boolean twoWay = !t.columnVariable().isEmpty();
    List<String> header = new ArrayList<>();
    header.add(twoWay ? t.rowVariable() + " \\ " + t.columnVariable() : t.rowVariable());
    header.addAll(twoWay ? t.columnLevels() : List.of("count"));
    int width = Math.max(10, header.stream().mapToInt(String::length).max().orElse(10) + 2);
    StringBuilder line = new StringBuilder("    ");
    header.forEach(h -> line.append(String.format("%-" + width + "s", h)));
    out.println(line.toString().stripTrailing());
    for (int r = 0; r < t.rowLevels().size(); r++) {
      StringBuilder row = new StringBuilder("    ").append(String.format("%-" + width + "s", t.rowLevels().get(r)));
      for (long c : t.counts()[r]) {
        row.append(String.format("%-" + width + "s", c));
      }
      out.println(row.toString().stripTrailing());
    }
  }

  private static void histogramText(PrintWriter out, Histogram h) {
    long max = h.counts().stream().mapToLong(Long::longValue).max().orElse(1);
    for (int i = 0; i < h.counts().size(); i++) {
      boolean last = i == h.counts().size() - 1;
      String bin = "[" + number(h.breaks().get(i)) + ", " + number(h.breaks().get(i + 1)) + (last ? "]" : ")");
      long c = h.counts().get(i);
      out.printf("    %-14s %6d %s%n", bin, c, "#".repeat((int) Math.round(40.0 * c / Math.max(1, max))));
    }
    out.printf("    below %d, above %d, missing %d%n", h.below(), h.above(), h.missing());
  }

  private static void resultCsv(PrintWriter out, Result<?> result) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = null;
    List<SiteRow> all = new ArrayList<>();
    for (Site<?> s : result.sites()) {
      all.add(new SiteRow(s.nodeId(), s.status().name(), s.result().orElse(null),
          s.refusal().map(r -> r.rule() + ": " + r.reason()).orElse(s.error())));
    }
    all.add(new SiteRow("pooled", result.pooled().isPresent() ? "POOLED" : "UNAVAILABLE",
        result.pooled().orElse(null), result.note()));
    for (SiteRow row : all) {
      if (row.result instanceof Table t) {
        header = List.of("site", "status", "row", "column", "count", "note");
        for (int r = 0; r < t.rowLevels().size(); r++) {
          for (int c = 0; c < t.columnLevels().size(); c++) {
            rows.add(List.of(row.site, row.status, t.rowLevels().get(r), t.columnLevels().get(c),
                Long.toString(t.counts()[r][c]), row.note));
          }
        }
      } else if (row.result instanceof Histogram h) {
        header = List.of("site", "status", "bin_low", "bin_high", "count", "note");
        rows.add(List.of(row.site, row.status, "-Inf", number(h.breaks().getFirst()), Long.toString(h.below()),
            row.note));
        for (int i = 0; i < h.counts().size(); i++) {
          rows.add(List.of(row.site, row.status, number(h.breaks().get(i)), number(h.breaks().get(i + 1)),
              Long.toString(h.counts().get(i)), row.note));
        }
        rows.add(List.of(row.site, row.status, number(h.breaks().getLast()), "Inf", Long.toString(h.above()),
            row.note));
        rows.add(List.of(row.site, row.status, "NA", "NA", Long.toString(h.missing()), row.note));
      } else if (row.result instanceof Summary s) {
        header = List.of("site", "status", "n", "missing", "mean", "variance", "note");
        rows.add(List.of(row.site, row.status, Long.toString(s.n()), Long.toString(s.missing()),
            Double.toString(s.mean()), Double.toString(s.variance()), row.note));
      } else if (row.result instanceof Count c) {
        header = List.of("site", "status", "count", "note");
        rows.add(List.of(row.site, row.status, Long.toString(c.count()), row.note));
      } else {
        rows.add(List.of(row.site, row.status, "", row.note));
      }
    }
    out.println(csvLine(header == null ? List.of("site", "status", "value", "note") : header));
    int columns = header == null ? 4 : header.size();
    for (List<String> r : rows) {
      List<String> padded = new ArrayList<>(r);
      while (padded.size() < columns) {
        padded.add(padded.size() - 1, "");
      }
      out.println(csvLine(padded));
    }
  }

  private record SiteRow(String site, String status, Object result, String note) {}
}
