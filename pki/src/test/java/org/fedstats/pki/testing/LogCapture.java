package org.fedstats.pki.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Test support: what one class logs, kept to be checked instead of shown in the build's output, until closed.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.of(OwnCertificate.class)) { ...; assertThat(log.messages(Level.WARNING)) ... }
 * }</pre>
 */
public final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  /** Captures what {@code source}'s logger writes, which then no longer reaches the console. */
  public static LogCapture of(Class<?> source) {
    LogCapture capture = new LogCapture(Logger.getLogger(source.getName()));
    capture.logger.setUseParentHandlers(false);
    capture.logger.addHandler(capture);
    return capture;
  }

  /** The messages logged at {@code level} or above, oldest first. */
  public List<String> messages(Level level) {
    return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).map(LogRecord::getMessage)
        .toList();
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  /** Gives the logger back its console. */
  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setUseParentHandlers(true);
  }
}
