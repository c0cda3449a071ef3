package org.fedstats.node.analysis;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets whoever started an analysis stop it: once cancelled, the running database statement is cancelled (so a slow
 * query does not hold a worker for a caller that has gone) and no further statement starts. Thread-safe.
 */
public final class Cancellation {
  private static final Logger LOG = Logger.getLogger(Cancellation.class.getName());
  static final long RETRY_MILLIS = 50;
  static final long RETRY_FOR_MILLIS = 10_000;

  private Statement running;
  private boolean cancelled;

  /** Records the statement about to run; fails at once if the analysis has already been cancelled. */
  synchronized void started(Statement statement) throws SQLException {
    if (cancelled) {
      throw new CancelledException();
    }
    running = statement;
  }

  /**
   * Cancels the analysis: its running statement, if any, and every later one. DuckDB forgets a cancel that comes
   * just before a statement begins executing, so the statement is cancelled again every
   * {@link #RETRY_MILLIS} ms, on a virtual thread, until it is closed (at most {@link #RETRY_FOR_MILLIS} ms).
   */
  public void cancel() {
    Statement statement;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      statement = running;
      running = null;
    }
    if (statement != null) {
      Thread.ofVirtual().name("analysis-cancel").start(() -> cancelUntilClosed(statement));
    }
  }

  private static void cancelUntilClosed(Statement statement) {
    long until = System.nanoTime() + RETRY_FOR_MILLIS * 1_000_000;
    try {
      while (!statement.isClosed() && System.nanoTime() < until) {
        statement.cancel();
        Thread.sleep(RETRY_MILLIS);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.log(Level.FINE, "cancelling a statement failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Thrown by the engine when it stops because the analysis was cancelled. */
  public static final class CancelledException extends SQLException {
    private static final long serialVersionUID = 1L;

    CancelledException() {
      super("the analysis was cancelled");
    }
  }
}
