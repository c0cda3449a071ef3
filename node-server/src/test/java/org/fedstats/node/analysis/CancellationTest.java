package org.fedstats.node.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Cancelling an analysis cancels the database statement it is running, so a slow query frees its worker. */
class CancellationTest {
  @Test
  void cancelStopsTheRunningStatement() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement settings = c.createStatement();
        // Several seconds of work on one thread if nothing stops it.
        PreparedStatement ps = c.prepareStatement("SELECT sum(i % 7) FROM range(3000000000) t(i)")) {
      settings.execute("SET threads = 1");
      Cancellation cancellation = new Cancellation();
      cancellation.started(ps);
      CompletableFuture<Long> query = CompletableFuture.supplyAsync(() -> {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300); // let the query start; if the cancel came too early, the query would end normally
      long cancelled = System.nanoTime();
      cancellation.cancel();
      assertThatThrownBy(() -> query.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(SQLException.class)
          .rootCause().message().containsIgnoringCase("interrupt");
      assertThat(System.nanoTime() - cancelled).isLessThan(TimeUnit.SECONDS.toNanos(10));
      assertThat(cancellation.isCancelled()).isTrue();
    }
  }

  @Test
  void aCancelJustBeforeTheStatementExecutesIsNotLost() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement settings = c.createStatement();
        PreparedStatement ps = c.prepareStatement("SELECT sum(i % 7) FROM range(3000000000) t(i)")) {
      settings.execute("SET threads = 1");
      Cancellation cancellation = new Cancellation();
      cancellation.started(ps);
      cancellation.cancel(); // DuckDB alone would forget this and run the query for seconds
      long start = System.nanoTime();
      assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("nterrupt");
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
    }
  }

  @Test
  void noStatementStartsOnceCancelled() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement ps = c.prepareStatement("SELECT 1")) {
      Cancellation cancellation = new Cancellation();
      cancellation.cancel();
      cancellation.cancel(); // idempotent
      assertThatThrownBy(() -> cancellation.started(ps)).isInstanceOf(Cancellation.CancelledException.class);
    }
  }
}
