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
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.fedstats.client.ResultTable;
import org.fedstats.client.Results.Result;
import org.fedstats.client.Results.Site;
import org.fedstats.client.analysis.Render;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.RoundProgress;

/** Renders results as human-readable text, JSON or CSV. */
final class Output {
  enum Format {
    TEXT, JSON, CSV, ARROW, ARROW_STREAM;

    /** Arrow IPC (file or stream): bytes, written by {@code ArrowResults}, for analysis results only. */
    boolean arrow() {
      return this == ARROW || this == ARROW_STREAM;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Output() {}

  /**
   * Prints a message as protobuf's canonical JSON, except that 64-bit integers are JSON numbers rather than the
   * strings protobuf writes (so that R, Python and jq read counts as numbers), and that fields at their default
   * value are written too (a count of 0 is {@code 0}, not a missing key a script has to guess about).
   */
  static void json(PrintWriter out, MessageOrBuilder message) {
    try {
      JsonNode tree = MAPPER.readTree(JsonFormat.printer().includingDefaultValueFields().print(message));
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

  static String csv(String field) {
    if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
      return '"' + field.replace("\"", "\"\"") + '"';
    }
    return field;
  }

  static String csvLine(List<String> fields) {
    return fields.stream().map(Output::csv).collect(Collectors.joining(","));
  }

  /** Prints a result in the chosen format, with the view of its analysis. */
  static <T> void result(PrintWriter out, Format format, String title, Result<T> result, View<T> view) {
    switch (format) {
      case JSON -> json(out, result.response());
      case CSV -> resultCsv(out, result, view);
      case TEXT -> resultText(out, title, result, view);
      case ARROW, ARROW_STREAM -> throw new IllegalStateException(format + " is bytes, written by ArrowResults");
    }
    out.flush();
  }

  /** A round of a multi-round analysis, for stderr: {@code round 3: deviance 1166.8219, change 2.1e-05}. */
  static String progress(RoundProgress round) {
    StringBuilder line = new StringBuilder("round ").append(round.getRound()).append(": deviance ")
        .append(significant(round.getDeviance(), 8));
    if (!Double.isNaN(round.getRelativeChange())) {
      line.append(", change ").append(String.format(Locale.ROOT, "%.2g", round.getRelativeChange()));
    }
    if (!round.getStage().isEmpty() && !round.getStage().equals("irls")) {
      line.append(" (").append(round.getStage()).append(')');
    }
    return line.toString();
  }

  private static String significant(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Render.number(v);
    }
    return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
  }

  private static <T> void resultText(PrintWriter out, String title, Result<T> result, View<T> view) {
    out.println(title);
    for (Site<T> s : result.sites()) {
      String line = switch (s.status()) {
        case ANSWERED -> "answered  " + s.withheldNote().map(n -> "(" + n + ")")
            .orElseGet(() -> s.result().map(view::brief).orElse(""));
        case REFUSED -> "REFUSED   rule " + s.refusal().get().rule() + " (threshold " + s.refusal().get().threshold()
            + "): " + s.refusal().get().reason();
        case FAILED -> "FAILED    " + s.errorCode() + ": " + s.error();
        case PENDING_REVIEW -> "PENDING   review by the site's data steward, ticket " + s.reviewTicket();
        default -> s.status().name();
      };
      out.printf("  %-8s %s  [%s ms]%n", s.nodeId(), line, Render.number(s.latencyMs()));
      s.perturbationNote().ifPresent(n -> out.printf("  %-8s %s%n", "", n));
    }
    result.pooled().ifPresent(pooled -> {
      List<String> detail = view.detail(pooled);
      if (detail.isEmpty()) {
        out.println("  pooled   " + view.brief(pooled));
      } else {
        out.println("  pooled:");
        detail.forEach(line -> out.println("    " + line));
      }
    });
    out.println("  " + result.note());
  }

  /**
   * A header, then each site's rows and the pooled ones: site, status, the view's columns, note. A site without a
   * value has one row with empty columns; when no site and no pool has a value, the columns are one "value".
   */
  private static <T> void resultCsv(PrintWriter out, Result<T> result, View<T> view) {
    ResultTable table = ResultTable.of(result, view);
    List<String> columns = table.anyValue() ? view.csvColumns() : List.of("value");
    List<String> header = new ArrayList<>(List.of("site", "status"));
    header.addAll(columns);
    header.add("note");
    out.println(csvLine(header));
    for (ResultTable.Row row : table.rows()) {
      List<String> line = new ArrayList<>(List.of(row.site(), row.status()));
      line.addAll(row.values().isEmpty() ? Collections.nCopies(columns.size(), "")
          : row.values().stream().map(view::csvField).toList());
      line.add(row.note());
      out.println(csvLine(line));
    }
  }
}
