package org.fedstats.node.disclosure.noise;

import java.util.Objects;
import org.fedstats.common.Text;

/**
 * A spend refused by the {@link PrivacyLedger} because it would take a researcher past their privacy budget on a
 * dataset. The message names the budget and what is left of it (budgets are policy, not data, so they may be
 * shown); nothing was recorded.
 */
public final class BudgetExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String researcher;
  private final String dataset;
  private final PrivacyCost budget;
  private final PrivacyCost spent;
  private final PrivacyCost requested;

  public BudgetExceededException(String researcher, String dataset, PrivacyCost budget, PrivacyCost spent,
      PrivacyCost requested) {
    super("privacy budget exceeded for researcher '" + Text.echo(researcher) + "' on dataset '"
        + Text.echo(dataset) + "': the request needs " + requested + " but only "
        + budget.remainingAfter(spent) + " is left of the budget " + budget);
    this.researcher = Objects.requireNonNull(researcher, "researcher");
    this.dataset = Objects.requireNonNull(dataset, "dataset");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.spent = Objects.requireNonNull(spent, "spent");
    this.requested = Objects.requireNonNull(requested, "requested");
  }

  public String researcher() {
    return researcher;
  }

  public String dataset() {
    return dataset;
  }

  /** The researcher's total budget on the dataset. */
  public PrivacyCost budget() {
    return budget;
  }

  /** What was spent before this request. */
  public PrivacyCost spent() {
    return spent;
  }

  /** What this request would have spent. */
  public PrivacyCost requested() {
    return requested;
  }

  /** What is left of the budget (unchanged by the refusal). */
  public PrivacyCost remaining() {
    return budget.remainingAfter(spent);
  }
}
