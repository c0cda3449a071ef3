package org.fedstats.client.example;

import org.fedstats.client.FederationClient;
import org.fedstats.client.Results.Result;
import org.fedstats.client.analysis.summary.Summary;
import org.fedstats.client.analysis.table.Table;
import org.fedstats.client.filter.Filters;

/**
 * The README's SDK example: mean age of treated women in the colon trial, pooled over every site, and a
 * treatment-by-outcome table. Run it against the demo federation (address as the first argument).
 */
public final class PooledAgeExample {
  private PooledAgeExample() {}

  public static void main(String[] args) {
    String coordinator = args.length > 0 ? args[0] : "127.0.0.1:7050";
    try (FederationClient client = FederationClient.connect(coordinator)) {
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
}
