package org.fedstats.client.example;

import java.nio.file.Path;
import java.time.Duration;
import org.fedstats.client.FederationClient;
import org.fedstats.client.Results.Result;
import org.fedstats.client.analysis.summary.Summary;
import org.fedstats.client.analysis.table.Table;
import org.fedstats.client.filter.Filters;
import org.fedstats.pki.tls.TlsFiles;

/**
 * The README's SDK example: mean age of treated women in the colon trial, pooled over every site, and a
 * treatment-by-outcome table. Run it from the project root against the demo federation, over mutual TLS with
 * researcher alice's certificate that the demo made (address as the first argument, the certificate's folder and
 * name as $FEDSTATS_TLS_DIR and $FEDSTATS_TLS_NAME otherwise).
 */
public final class PooledAgeExample {
  private PooledAgeExample() {}

  public static void main(String[] args) {
    String coordinator = args.length > 0 ? args[0] : "127.0.0.1:7050";
    TlsFiles alice = TlsFiles.inFolder(Path.of(env("FEDSTATS_TLS_DIR", "deploy/demo/run/pki/alice")),
        env("FEDSTATS_TLS_NAME", "alice"));    // alice.key, alice.crt, ca.crt
    try (FederationClient client = FederationClient.connect(coordinator, alice, Duration.ofSeconds(60))) {
      Result<Summary> age = client.dataset("colon")
          .where(Filters.eq("sex", 0).and(Filters.in("rx", "Lev", "Lev+5FU")))
          .summary("age");
      age.sites().forEach(site -> System.out.println(site.nodeId() + ": " + site.status()
          + site.refusal().map(r -> " (" + r.rule() + ": " + r.reason() + ")").orElse("")));
      age.pooled().ifPresentOrElse(
          s -> System.out.printf("pooled mean age %.2f (sd %.2f, n %d)%n", s.mean(), s.sd(), s.n()),
          () -> System.out.println(age.note()));

      Table outcome = client.dataset("colon").table("rx", "status").pooledOrThrow();
      System.out.println("deaths on Lev+5FU: " + outcome.count("Lev+5FU", "1") + " of "
          + (outcome.count("Lev+5FU", "0") + outcome.count("Lev+5FU", "1")));
    }
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }
}
