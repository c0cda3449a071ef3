package org.fedstats.client.arrow;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.fedstats.client.Analyses;
import org.fedstats.client.ResultTable;
import org.fedstats.client.Results.Result;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Column;

/**
 * A result as an Apache Arrow table, for R's and Python's arrow packages: the rows of {@link ResultTable} (each
 * site's rows, then the pooled ones; columns {@code site}, {@code status}, the analysis's typed columns,
 * {@code note}), one record batch, written as an Arrow IPC file ({@code .arrow}, Feather v2) or stream. A missing
 * value is an Arrow null. The schema's metadata says what was asked and what came of it: {@code dataset},
 * {@code analysis}, {@code request} (the analysis as JSON), {@code request_id}, {@code pooled} ("true"/"false"),
 * {@code pooled_note} and {@code pooled_over} (the nodes pooled, comma-separated).
 *
 * <p>Arrow's memory needs the JVM option {@code --add-opens=java.base/java.nio=ALL-UNNAMED} (the {@code fedstats}
 * launcher passes it); without it writing fails with an {@link IllegalStateException} that names the option.
 */
public final class ArrowResults {
  /** What the JVM needs for Arrow's memory, as the launcher passes it. */
  public static final String JVM_OPTION = "--add-opens=java.base/java.nio=ALL-UNNAMED";

  private ArrowResults() {}

  /** The columns every table has before the analysis's own, and the one after. */
  private static final List<Column> LEADING = List.of(Column.string("site"), Column.string("status"));
  private static final Column TRAILING = Column.string("note");

  /** Writes {@code result} of {@code spec} on {@code dataset} to {@code out} as an Arrow IPC file. */
  public static <T> void writeFile(Result<T> result, AnalysisSpec<T> spec, String dataset, OutputStream out)
      throws IOException {
    write(result, spec, dataset, out, true);
  }

  /** Writes {@code result} of {@code spec} on {@code dataset} to {@code out} as an Arrow IPC stream. */
  public static <T> void writeStream(Result<T> result, AnalysisSpec<T> spec, String dataset, OutputStream out)
      throws IOException {
    write(result, spec, dataset, out, false);
  }

  private static <T> void write(Result<T> result, AnalysisSpec<T> spec, String dataset, OutputStream out,
      boolean file) throws IOException {
    try (BufferAllocator allocator = allocator();
         VectorSchemaRoot root = toRoot(result, spec, dataset, allocator)) {
      WritableByteChannel channel = Channels.newChannel(out);
      try (ArrowWriter writer = file ? new ArrowFileWriter(root, null, channel)
          : new ArrowStreamWriter(root, null, channel)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      } catch (UnsupportedOperationException e) {
        throw unsupported(e);
      }
    }
    out.flush();
  }

  /**
   * The result as a filled {@link VectorSchemaRoot} from {@code allocator}, its schema carrying the metadata; the
   * caller closes it.
   */
  public static <T> VectorSchemaRoot toRoot(Result<T> result, AnalysisSpec<T> spec, String dataset,
      BufferAllocator allocator) {
    ResultTable table = ResultTable.of(result, spec.view());
    List<Column> columns = new ArrayList<>(LEADING);
    columns.addAll(table.columns());
    columns.add(TRAILING);
    Schema schema = new Schema(columns.stream().map(ArrowResults::field).toList(),
        metadata(result, spec, dataset));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try {
      root.allocateNew();
      List<ResultTable.Row> rows = table.rows();
      for (int r = 0; r < rows.size(); r++) {
        ResultTable.Row row = rows.get(r);
        set(root.getVector(0), r, row.site());
        set(root.getVector(1), r, row.status());
        for (int c = 0; c < table.columns().size(); c++) {
          set(root.getVector(2 + c), r, row.values().isEmpty() ? null : row.values().get(c));
        }
        set(root.getVector(columns.size() - 1), r, row.note());
      }
      root.setRowCount(rows.size());
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /** The schema metadata of a result: what was asked (dataset, analysis, request) and what came of it. */
  public static <T> Map<String, String> metadata(Result<T> result, AnalysisSpec<T> spec, String dataset) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("dataset", dataset);
    metadata.put("analysis", Analyses.of(spec.analysis()).name());
    try {
      metadata.put("request", JsonFormat.printer().omittingInsignificantWhitespace().print(spec.analysis()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    metadata.put("request_id", result.requestId());
    metadata.put("pooled", Boolean.toString(result.pooled().isPresent()));
    metadata.put("pooled_note", result.note());
    metadata.put("pooled_over", String.join(",", result.pooledOver()));
    return metadata;
  }

  /** A new root allocator; {@link IllegalStateException} naming the JVM option when Arrow cannot reach memory. */
  private static BufferAllocator allocator() {
    try {
      return new RootAllocator();
    } catch (UnsupportedOperationException | ExceptionInInitializerError | NoClassDefFoundError e) {
      throw unsupported(e);
    }
  }

  private static IllegalStateException unsupported(Throwable e) {
    return new IllegalStateException("Arrow output needs the JVM option " + JVM_OPTION
        + " (the fedstats launcher passes it): " + e.getMessage(), e);
  }

  private static Field field(Column column) {
    ArrowType type = switch (column.type()) {
      case STRING -> ArrowType.Utf8.INSTANCE;
      case INT64 -> new ArrowType.Int(64, true);
      case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case BOOL -> ArrowType.Bool.INSTANCE;
    };
    return new Field(column.name(), FieldType.nullable(type), null);
  }

  private static void set(FieldVector vector, int row, Object value) {
    switch (vector) {
      case VarCharVector v when value != null -> v.setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
      case BigIntVector v when value != null -> v.setSafe(row, (Long) value);
      case Float8Vector v when value != null -> v.setSafe(row, (Double) value);
      case BitVector v when value != null -> v.setSafe(row, (Boolean) value ? 1 : 0);
      case VarCharVector v -> v.setNull(row);
      case BigIntVector v -> v.setNull(row);
      case Float8Vector v -> v.setNull(row);
      case BitVector v -> v.setNull(row);
      default -> throw new IllegalStateException("no column of type " + vector.getField().getType());
    }
  }
}
