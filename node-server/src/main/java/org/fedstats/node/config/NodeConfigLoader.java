package org.fedstats.node.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.fedstats.common.HostPort;
import org.fedstats.common.Text;
import org.fedstats.node.analysis.AnalysisKind;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.dataset.VariableType;
import org.fedstats.node.disclosure.DisclosurePolicy;

/** Reads a node's YAML configuration and checks it; relative paths are taken from the file's folder. */
public final class NodeConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private NodeConfigLoader() {}

  /** Reads and checks a configuration file; each problem is one line of the {@link StartupException}. */
  public static NodeSettings load(Path file) throws StartupException {
    if (!Files.isRegularFile(file)) {
      throw new StartupException("node configuration " + file + " does not exist or is not a file");
    }
    NodeConfig config;
    try {
      config = YAML.readValue(file.toFile(), NodeConfig.class);
    } catch (UnrecognizedPropertyException e) {
      List<String> known = e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
      String suggestion = Text.closest(e.getPropertyName(), known).map(k -> "did you mean '" + k + "'? ")
          .orElse("");
      // Jackson reports an unknown key of a record at the record's end; find the key's own line.
      throw new StartupException(file + lineOf(file, e) + ": unknown key '" + Text.echo(e.getPropertyName()) + "'"
          + path(e) + "; " + suggestion + "known keys here: " + String.join(", ", known), e);
    } catch (JsonProcessingException e) {
      throw new StartupException(where(file, e) + "cannot read the node configuration" + path(e) + ": "
          + Text.echo(firstLine(e.getOriginalMessage())), e);
    } catch (IOException e) {
      throw new StartupException("cannot read node configuration " + file + ": " + e.getMessage(), e);
    }
    if (config == null) {
      throw new StartupException("node configuration " + file + " is empty");
    }
    try {
      return resolve(config, file.toAbsolutePath().getParent());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StartupException("invalid node configuration " + file + ": " + e.getMessage(), e);
    }
  }

  /** " line N" of the key an exception's path leads to, or "" if it cannot be found. */
  private static String lineOf(Path file, JsonMappingException e) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      pointer.append('/').append(r.getIndex() >= 0 ? String.valueOf(r.getIndex())
          : r.getFieldName().replace("~", "~0").replace("/", "~1"));
    }
    try (JsonParser parser = YAML.getFactory().createParser(file.toFile())) {
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (t == JsonToken.FIELD_NAME && parser.getParsingContext().pathAsPointer().toString()
            .equals(pointer.toString())) {
          return " line " + parser.currentTokenLocation().getLineNr();
        }
      }
    } catch (IOException ignored) {
      // The file was read once already; without a line the message still names the key and where it is.
    }
    return "";
  }

  private static String where(Path file, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1 ? file + ": " : file + " line " + at.getLineNr() + ": ";
  }

  /** Where in the document a problem is, e.g. " under datasets[0].variables[2]". */
  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    List<JsonMappingException.Reference> refs = e.getPath();
    for (int i = 0; i < refs.size() - (e instanceof UnrecognizedPropertyException ? 1 : 0); i++) {
      JsonMappingException.Reference r = refs.get(i);
      if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(kebab(r.getFieldName()));
      }
    }
    return b.isEmpty() ? "" : " under " + b;
  }

  private static String path(JsonProcessingException e) {
    return e instanceof JsonMappingException m ? path(m) : "";
  }

  private static String kebab(String name) {
    return name.contains("-") ? name : PropertyNamingStrategies.KebabCaseStrategy.INSTANCE.translate(name);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  static NodeSettings resolve(NodeConfig config, Path base) {
    HostPort listen = HostPort.parse(config.listen() == null ? "127.0.0.1:50051" : config.listen(), "listen");
    DisclosurePolicy nodePolicy = DisclosurePolicy.DEFAULT.with(config.disclosure());
    List<DatasetDefinition> datasets = new ArrayList<>();
    for (NodeConfig.DatasetConfig d : config.datasets() == null ? List.<NodeConfig.DatasetConfig>of()
        : config.datasets()) {
      datasets.add(dataset(d, base, nodePolicy));
    }
    String audit = config.auditLog() == null ? "audit.jsonl" : config.auditLog();
    return new NodeSettings(config.nodeId(), listen.host(), listen.port(), base.resolve(audit),
        ServerLimits.DEFAULT.with(config.server()), datasets);
  }

  private static DatasetDefinition dataset(NodeConfig.DatasetConfig d, Path base, DisclosurePolicy nodePolicy) {
    if (d.name() == null) {
      throw new IllegalArgumentException("every dataset needs a name");
    }
    DatasetDefinition.Source source;
    boolean hasFiles = d.files() != null && !d.files().isEmpty();
    if (hasFiles == (d.table() != null)) {
      throw new IllegalArgumentException("dataset " + d.name() + " needs either files or a database table");
    }
    if (hasFiles) {
      source = new DatasetDefinition.Files(d.files().stream().map(base::resolve).toList(),
          CsvOptions.DEFAULT.with(d.csv()));
    } else {
      if (d.csv() != null) {
        throw new IllegalArgumentException("dataset " + d.name() + ": csv options apply only to CSV files");
      }
      if (d.database() == null) {
        throw new IllegalArgumentException("dataset " + d.name() + " names a table but no database file");
      }
      source = new DatasetDefinition.Table(base.resolve(d.database()), d.table());
    }
    // The allow-list: without one, a dataset answers counts only.
    EnumSet<AnalysisKind> analyses = EnumSet.of(AnalysisKind.COUNT);
    if (d.analyses() != null) {
      analyses = EnumSet.noneOf(AnalysisKind.class);
      for (String a : d.analyses()) {
        analyses.add(AnalysisKind.parse(a));
      }
    }
    if (d.variables() == null || d.variables().isEmpty()) {
      throw new IllegalArgumentException("dataset " + d.name() + " declares no variables");
    }
    List<Variable> variables = d.variables().stream()
        .map(v -> new Variable(v.name(), v.type() == null ? null : VariableType.parse(v.type()),
            v.description(), v.levels()))
        .toList();
    return new DatasetDefinition(d.name(), d.description(), source, analyses, nodePolicy.with(d.disclosure()),
        new DatasetSchema(d.name(), variables));
  }
}
