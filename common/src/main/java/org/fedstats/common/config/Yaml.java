package org.fedstats.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fedstats.common.Text;

/**
 * Reads configuration files: kebab-case YAML keys, unknown keys refused, and every problem told in one line that
 * names the file, the line, where in the document, and what is wrong (with a suggestion for a mistyped key).
 */
public final class Yaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Yaml() {}

  /**
   * Reads {@code file} as a {@code type}; {@code what} names the file's role in messages ("node configuration").
   * Fails with an IOException whose message is one line.
   */
  public static <T> T read(Path file, Class<T> type, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(what + " " + file + " does not exist or is not a file");
    }
    T value;
    try {
      value = MAPPER.readValue(file.toFile(), type);
    } catch (UnrecognizedPropertyException e) {
      List<String> known = e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
      String suggestion = Text.closest(e.getPropertyName(), known).map(k -> "did you mean '" + k + "'? ")
          .orElse("");
      // Jackson reports an unknown key of a record at the record's end; find the key's own line.
      throw new IOException(file + lineOf(file, e) + ": unknown key '" + Text.echo(e.getPropertyName()) + "'"
          + path(e) + "; " + suggestion + "known keys here: " + String.join(", ", known), e);
    } catch (JsonProcessingException e) {
      throw new IOException(where(file, e) + "cannot read the " + what + path(e) + ": "
          + Text.echo(firstLine(e.getOriginalMessage())), e);
    } catch (IOException e) {
      throw new IOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
    if (value == null) {
      throw new IOException(what + " " + file + " is empty");
    }
    return value;
  }

  /**
   * Every key a file read as {@code type} may hold, as {@link #read} takes them: dotted paths of kebab-case keys,
   * {@code []} after a list of sections ({@code datasets[].name}) and {@code *} for a key of the writer's choosing
   * ({@code noise.bounds.*.lo}). A section of a type met before under another key is listed once, by its own key
   * ({@code datasets[].disclosure}: the same keys as {@code disclosure}); sections are the records of this project.
   */
  public static List<String> keys(Class<?> type) {
    List<String> keys = new ArrayList<>();
    keys(MAPPER.constructType(type), "", new HashSet<>(Set.of(type)), keys);
    return keys;
  }

  private static void keys(JavaType type, String prefix, Set<Class<?>> seen, List<String> keys) {
    for (BeanPropertyDefinition p : MAPPER.getDeserializationConfig().introspect(type).findProperties()) {
      String key = prefix + p.getName();
      JavaType value = p.getPrimaryType();
      String suffix = "";
      while (value.isContainerType()) {
        suffix += value.isMapLikeType() ? ".*" : "[]";
        value = value.getContentType();
      }
      if (isSection(value.getRawClass()) && seen.add(value.getRawClass())) {
        keys(value, key + suffix + ".", seen, keys);
      } else {
        keys.add(isSection(value.getRawClass()) || suffix.isEmpty() || suffix.endsWith("[]") ? key
            : key + suffix);
      }
    }
  }

  private static boolean isSection(Class<?> type) {
    return type.isRecord() && type.getPackageName().startsWith("org.fedstats.");
  }

  /** " line N" of the key an exception's path leads to, or "" if it cannot be found. */
  private static String lineOf(Path file, JsonMappingException e) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      pointer.append('/').append(r.getIndex() >= 0 ? String.valueOf(r.getIndex())
          : r.getFieldName().replace("~", "~0").replace("/", "~1"));
    }
    try (JsonParser parser = MAPPER.getFactory().createParser(file.toFile())) {
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
  private static String path(JsonProcessingException e) {
    if (!(e instanceof JsonMappingException m)) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    List<JsonMappingException.Reference> refs = m.getPath();
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
}
