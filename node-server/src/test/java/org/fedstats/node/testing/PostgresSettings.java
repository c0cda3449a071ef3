package org.fedstats.node.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The PostgreSQL server the PostgreSQL tests read: its JDBC URL and the node role's name, from the environment
 * ({@code FEDSTATS_PG_URL}, {@code FEDSTATS_PG_USER}; the password stays in {@code FEDSTATS_PG_PASSWORD}, which node
 * configurations name as their password-env). {@code .ci/run} starts one with deploy/postgres/start-test-server.sh;
 * without it these tests are skipped, with a line on the console saying so.
 */
public record PostgresSettings(String url, String user) {
  public static final String PASSWORD_ENV = "FEDSTATS_PG_PASSWORD";
  private static final AtomicBoolean SKIP_ANNOUNCED = new AtomicBoolean();

  /** The settings, or skips the calling test (visibly) when they are not set. */
  public static PostgresSettings require() {
    String url = System.getenv("FEDSTATS_PG_URL");
    String user = System.getenv("FEDSTATS_PG_USER");
    boolean present = url != null && user != null && System.getenv(PASSWORD_ENV) != null;
    if (!present && SKIP_ANNOUNCED.compareAndSet(false, true)) {
      System.err.println("SKIPPED: tests on PostgreSQL: FEDSTATS_PG_URL, FEDSTATS_PG_USER and " + PASSWORD_ENV
          + " are not set (eval \"$(deploy/postgres/start-test-server.sh)\" starts a server and sets them)");
    }
    assumeTrue(present, "no PostgreSQL server configured (FEDSTATS_PG_URL); skipping");
    return new PostgresSettings(url, user);
  }
}
