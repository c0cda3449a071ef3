package org.fedstats.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.math.BigInteger;
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
  enum Format {
    TEXT, JSON, CSV;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Output() {}

  /**
   * Prints a message as protobuf's canonical JSON, except that 64-bit integers are JSON numbers rather than the
   * strings protobuf writes (so that R, Python and jq read counts as numbers).
   */
  static void json(PrintWriter out, MessageOrBuilder message) {
    try {
      JsonNode tree = MAPPER.readTree(JsonFormat.printer().print(message));
      int64AsNumbers(tree, message.getDescriptorForType());
      DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withSeparators(Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
      printer.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
      out.println(MAPPER.writer(printer).writeValueAsString(tree));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Turns the string values of the 64-bit integer fields of {@code json}, a message of {@code type}, to numbers. */
  private static void int64AsNumbers(JsonNode json, Descriptor type) {
    if (!(json instanceof ObjectNode object)) {
      return;
    }
    for (FieldDescriptor field : type.getFields()) {
      JsonNode value = object.get(field.getJsonName());
      if (value == null) {
        continue;
      }
      if (field.isMapField()) {
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        value.properties().forEach(entry -> entry.setValue(converted(entry.getValue(), valueField)));
      } else if (value instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          array.set(i, converted(array.get(i), field));
        }
      } else {
        object.set(field.getJsonName(), converted(value, field));
      }
    }
  }

  private static JsonNode converted(JsonNode value, FieldDescriptor field) {
    switch (field.getType()) {
      case MESSAGE, GROUP -> int64AsNumbers(value, field.getMessageType());
      case INT64, SINT64, SFIXED64 -> {
        return value.isTextual() ? LongNode.valueOf(Long.parseLong(value.asText())) : value;
      }
      case UINT64, FIXED64 -> {
        return value.isTextual() ? BigIntegerNode.valueOf(new BigInteger(value.asText())) : value;
      }
      default -> { }
    }
    return value;
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
