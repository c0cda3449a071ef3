package org.fedstats.node.disclosure.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivacyLedgerTest {
  private static final PrivacyLedger.BudgetPolicy ONE = PrivacyLedger.BudgetPolicy.uniform(PrivacyCost.of("1", "1e-5"));

  @TempDir
  Path dir;

  @Test
  void tenSpendsOfATenthUseExactlyTheWholeBudgetAndTheEleventhIsRefused() throws IOException {
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      for (int i = 0; i < 10; i++) {
        ledger.spend("ana", "cohort", new BigDecimal("0.1"), BigDecimal.ZERO, "r" + i);
      }
      assertThat(ledger.spent("ana", "cohort")).isEqualTo(PrivacyCost.of("1.0", "0"));
      assertThat(ledger.remaining("ana", "cohort")).isEqualTo(PrivacyCost.of("0", "1e-5"));
      assertThatThrownBy(() -> ledger.spend("ana", "cohort", PrivacyCost.of("0.1", "0"), "r10"))
          .isInstanceOf(BudgetExceededException.class)
          .hasMessage("privacy budget exceeded for researcher 'ana' on dataset 'cohort': the request needs"
              + " ε=0.1, δ=0 but only ε=0, δ=0.00001 is left of the budget ε=1, δ=0.00001");
      // other pairs have their own budgets
      assertThat(ledger.remaining("ana", "other")).isEqualTo(PrivacyCost.of("1", "1e-5"));
      assertThat(ledger.remaining("ben", "cohort")).isEqualTo(PrivacyCost.of("1", "1e-5"));
    }
  }

  @Test
  void deltaIsBudgetedToo() throws IOException {
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      PrivacyCost left = ledger.spend("ana", "cohort", PrivacyCost.of("0.2", "6e-6"), "a");
      assertThat(left).isEqualTo(PrivacyCost.of("0.8", "4e-6"));
      BudgetExceededException e = org.junit.jupiter.api.Assertions.assertThrows(BudgetExceededException.class,
          () -> ledger.spend("ana", "cohort", PrivacyCost.of("0.2", "6e-6"), "b"));
      assertThat(e.remaining()).isEqualTo(left);
      assertThat(e.requested()).isEqualTo(PrivacyCost.of("0.2", "6e-6"));
    }
  }

  @Test
  void reopeningRebuildsTheTotals() throws IOException {
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      ledger.spend("ana", "cohort", PrivacyCost.of("0.25", "0"), "a");
      ledger.spend("ana\tx\ny", "cohort", PrivacyCost.of("0.5", "1e-6"), "b\n");
      ledger.spend("ana", "cohort", PrivacyCost.of("0.25", "0"), "c");
    }
    assertThat(Files.readAllLines(dir.resolve(PrivacyLedger.FILE_NAME))).hasSize(3);
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      assertThat(ledger.spent("ana", "cohort")).isEqualTo(PrivacyCost.of("0.5", "0"));
      assertThat(ledger.spent("ana\tx\ny", "cohort")).isEqualTo(PrivacyCost.of("0.5", "1e-6"));
    }
  }

  @Test
  void aTornLastRecordIsDroppedAndCutFromTheFile() throws IOException {
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      ledger.spend("ana", "cohort", PrivacyCost.of("0.3", "0"), "a");
    }
    Path file = dir.resolve(PrivacyLedger.FILE_NAME);
    String intact = Files.readString(file);
    // a crash in the middle of the second record
    String second = intact.replace("0.3", "0.4").replace("\ta\n", "\tb\n");
    Files.writeString(file, second.substring(0, second.length() / 2), StandardOpenOption.APPEND);
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      assertThat(ledger.spent("ana", "cohort")).isEqualTo(PrivacyCost.of("0.3", "0"));
      assertThat(Files.readString(file)).isEqualTo(intact);
      ledger.spend("ana", "cohort", PrivacyCost.of("0.1", "0"), "c");
    }
    // a complete last line whose checksum fails is torn too
    Files.writeString(file, "0000000 v1\tbroken\n", StandardOpenOption.APPEND);
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      assertThat(ledger.spent("ana", "cohort")).isEqualTo(PrivacyCost.of("0.4", "0"));
      assertThat(Files.readAllLines(file)).hasSize(2);
    }
  }

  @Test
  void aDamagedRecordBeforeTheLastRefusesToOpen() throws IOException {
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      ledger.spend("ana", "cohort", PrivacyCost.of("0.3", "0"), "a");
      ledger.spend("ana", "cohort", PrivacyCost.of("0.3", "0"), "b");
    }
    Path file = dir.resolve(PrivacyLedger.FILE_NAME);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Files.writeString(file, text.replaceFirst("0\\.3", "0.1")); // someone lowers the first spend
    assertThatThrownBy(() -> PrivacyLedger.open(dir, ONE)).isInstanceOf(IOException.class)
        .hasMessageContaining("damaged at record 1, which is not the last");
  }

  @Test
  void aLedgerIsOpenOnceAtATime() throws IOException {
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      assertThat(ledger.file()).exists();
      assertThatThrownBy(() -> PrivacyLedger.open(dir, ONE)).isInstanceOf(IOException.class)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void aPairWithoutABudgetIsRefused() throws IOException {
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, (researcher, dataset) -> null)) {
      assertThatThrownBy(() -> ledger.spend("ana", "cohort", PrivacyCost.of("0.01", "0"), "a"))
          .isInstanceOf(BudgetExceededException.class);
    }
  }

  @Test
  void concurrentSpendsNeverOverspend() throws Exception {
    int threads = 8;
    int attempts = 40;
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < attempts; i++) {
            try {
              ledger.spend("ana", "cohort", PrivacyCost.of("0.03", "0"), id + "-" + i);
              granted.incrementAndGet();
            } catch (BudgetExceededException e) {
              refused.incrementAndGet();
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertThat(granted.get()).isEqualTo(33); // 33 x 0.03 = 0.99; a 34th would make 1.02
      assertThat(refused.get()).isEqualTo(threads * attempts - 33);
      assertThat(ledger.spent("ana", "cohort")).isEqualTo(PrivacyCost.of("0.99", "0"));
    } finally {
      pool.shutdownNow();
    }
    try (PrivacyLedger ledger = PrivacyLedger.open(dir, ONE)) {
      assertThat(ledger.spent("ana", "cohort")).isEqualTo(PrivacyCost.of("0.99", "0"));
      assertThat(Files.readAllLines(ledger.file())).hasSize(33);
    }
  }
}
