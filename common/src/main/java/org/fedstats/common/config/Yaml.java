package org.fedstats.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.fedstats.common.Text;

/** Reads configuration files: kebab-case YAML keys, unknown keys refused, problems told in one line. */
public final class Yaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private Yaml() {}

  /**
   * Reads {@code file} as a {@code type}; {@code what} names the file's role in messages ("node configuration").
   * Fails with an IOException whose message is one line: the file, the line and column, and what is wrong.
   */
  public static <T> T read(Path file, Class<T> type, String what) throws IOException {
    try {
      T value = MAPPER.readValue(file.toFile(), type);
      return Objects.requireNonNull(value, "empty file");
    } catch (UnrecognizedPropertyException e) {
      throw new IOException(what + " " + file + where(e.getLocation()) + ": unknown key '"
          + Text.echo(e.getPropertyName()) + "'" + known(e.getPropertyName(), e.getKnownPropertyIds()), e);
    } catch (JsonProcessingException e) {
      throw new IOException(what + " " + file + where(e.getLocation()) + ": "
          + firstLine(e.getOriginalMessage()), e);
    } catch (NoSuchFileException e) {
      throw new IOException(what + " " + file + " does not exist", e);
    } catch (IOException | NullPointerException e) {
      throw new IOException("cannot read " + what + " " + file + ": " + firstLine(e.getMessage()), e);
    }
  }

  private static String where(JsonLocation location) {
    return location == null || location.getLineNr() < 1 ? ""
        : ", line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String known(String name, Collection<Object> known) {
    if (known == null || known.isEmpty()) {
      return "";
    }
    TreeSet<String> keys = known.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    return Text.closest(name, keys).map(k -> "; did you mean '" + k + "'?").orElse("")
        + " (known keys here: " + String.join(", ", keys) + ")";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
