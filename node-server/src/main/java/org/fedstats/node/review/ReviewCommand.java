package org.fedstats.node.review;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.StartupException;
import org.fedstats.proto.v1.ReviewDecision;
import org.fedstats.proto.v1.ReviewEvidence;
import org.fedstats.proto.v1.ReviewItem;
import org.fedstats.proto.v1.ReviewRelease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fedstats-node review list | show | approve | deny}: the data steward's commands on the node's release queue,
 * found through the node's configuration file. Safe while the node runs: a decision is a file of its own, written
 * once and atomically; the node records it in its audit log when it acts on it (the researcher's fetch), so this
 * command never writes the node's audit log. Exit status 0: done; 1: unknown ticket, already decided, or the state
 * cannot be read or written; 2: usage error.
 */
@Command(name = "review", mixinStandardHelpOptions = true,
    description = "The data steward's release queue: outputs that wait for review before they leave the node.",
    subcommands = {ReviewCommand.ListHeld.class, ReviewCommand.Show.class, ReviewCommand.Approve.class,
        ReviewCommand.Deny.class})
public final class ReviewCommand {
  /** Exit status when the queue cannot do what was asked. */
  public static final int FAILED = 1;

  /** The node whose queue the command works on. */
  public static final class NodeOption {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "<node.yaml>",
        description = "The node's YAML configuration file (its state-dir holds the release queue).")
    Path config;

    ReleaseQueue queue() throws StartupException {
      return new ReleaseQueue(NodeConfigLoader.load(config).stateDir());
    }
  }

  /** The steward who decides. */
  public static final class StewardOption {
    @Option(names = "--steward", defaultValue = "${sys:user.name}", paramLabel = "<name>",
        description = "Who decides, recorded with the decision and in the node's audit log (default: your login).")
    String steward;
  }

  abstract static class QueueCommand implements Callable<Integer> {
    @Mixin
    NodeOption node;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
      try {
        return run(node.queue(), spec.commandLine().getOut());
      } catch (StartupException e) {
        e.problems().forEach(p -> spec.commandLine().getErr().println("fedstats-node review: " + p));
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("fedstats-node review: " + e.getMessage());
      }
      spec.commandLine().getErr().flush();
      return FAILED;
    }

    abstract int run(ReleaseQueue queue, PrintWriter out);

    /** The held output under {@code ticket}, or an exception saying there is none. */
    static ReviewItem item(ReleaseQueue queue, String ticket) {
      return queue.item(ticket).orElseThrow(() -> new IllegalArgumentException("no output waits for review under "
          + "ticket '" + ticket + "' in " + queue.folder() + " ('fedstats-node review list' lists them)"));
    }
  }

  /** Where a ticket is: PENDING (undecided), APPROVED or DENIED (not fetched since), RELEASED or REFUSED (fetched). */
  static String status(ReleaseQueue queue, ReviewItem item) {
    Optional<ReviewRelease> released = queue.released(item.getTicket());
    if (released.isPresent()) {
      return released.get().getResponse().hasRefusal()
          ? "REFUSED (" + released.get().getResponse().getRefusal().getRule() + ")" : "RELEASED";
    }
    return queue.decision(item.getTicket()).map(d -> d.getApproved() ? "APPROVED" : "DENIED").orElse("PENDING");
  }

  private static List<String> rules(ReviewItem item) {
    return item.getEvidenceList().stream().map(ReviewEvidence::getRule).distinct().toList();
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists the outputs in the release queue, oldest first, with their status.")
  static final class ListHeld extends QueueCommand {
    @Override
    int run(ReleaseQueue queue, PrintWriter out) {
      List<ReviewItem> items = queue.items();
      if (items.isEmpty()) {
        out.println("no output waits for review in " + queue.folder());
      }
      for (ReviewItem item : items) {
        out.printf("%s  %-10s %s  %s  %s %s  review: %s%n", item.getTicket(), status(queue, item),
            Instant.ofEpochMilli(item.getCreatedEpochMs()), item.getRequester(), item.getDataset(),
            item.getAnalysis(), String.join(", ", rules(item)));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Shows one held output with the evidence: which rules asked for review and the values they "
          + "looked at, the request as audited, and the output that would leave.")
  static final class Show extends QueueCommand {
    @Parameters(index = "0", paramLabel = "<ticket>")
    String ticket;

    @Override
    int run(ReleaseQueue queue, PrintWriter out) {
      ReviewItem item = item(queue, ticket);
      out.println("ticket     " + item.getTicket());
      out.println("status     " + status(queue, item));
      out.println("requester  " + item.getRequester() + " (request " + item.getRequestId() + ", via "
          + item.getPeer() + ")");
      out.println("dataset    " + item.getDataset() + ", analysis " + item.getAnalysis());
      out.println("created    " + Instant.ofEpochMilli(item.getCreatedEpochMs()));
      out.println("request    " + item.getRequest());
      out.println("review because:");
      for (ReviewEvidence e : item.getEvidenceList()) {
        out.println("  " + e.getRule() + ": " + e.getReason() + (e.getValues().isEmpty() ? "" : "; values: "
            + e.getValues()));
      }
      out.println("output     " + json(item));
      queue.decision(item.getTicket()).ifPresent(d -> out.println("decision   " + (d.getApproved() ? "approved"
          : "denied") + " by " + d.getSteward() + " at " + Instant.ofEpochMilli(d.getDecidedEpochMs())
          + (d.getText().isEmpty() ? "" : ": " + d.getText())));
      out.flush();
      return 0;
    }

    private static String json(ReviewItem item) {
      try {
        return JsonFormat.printer().omittingInsignificantWhitespace().print(item.getResponse());
      } catch (InvalidProtocolBufferException e) {
        return item.getResponse().toString();
      }
    }
  }

  abstract static class Decide extends QueueCommand {
    @Parameters(index = "0", paramLabel = "<ticket>")
    String ticket;

    @Mixin
    StewardOption steward;

    int decide(ReleaseQueue queue, PrintWriter out, boolean approved, String text) {
      if (steward.steward == null || steward.steward.isBlank()) {
        throw new IllegalArgumentException("name the steward who decides (--steward)");
      }
      ReviewItem item = item(queue, ticket);
      queue.decide(ReviewDecision.newBuilder().setTicket(item.getTicket()).setApproved(approved)
          .setSteward(steward.steward.strip()).setText(text == null ? "" : text.strip())
          .setDecidedEpochMs(System.currentTimeMillis()).build());
      out.println("ticket " + item.getTicket() + " " + (approved ? "approved" : "denied") + " by "
          + steward.steward.strip() + "; the node " + (approved ? "releases it" : "tells the researcher")
          + " when " + item.getRequester() + " fetches request " + item.getRequestId()
          + " (and records it in its audit log then)");
      out.flush();
      return 0;
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approves a held output: it leaves the node when its researcher fetches it, after the node has "
          + "checked it against the overlap audit again.")
  static final class Approve extends Decide {
    @Option(names = "--note", paramLabel = "<text>", description = "A note kept with the decision.")
    String note;

    @Override
    int run(ReleaseQueue queue, PrintWriter out) {
      return decide(queue, out, true, note);
    }
  }

  @Command(name = "deny", mixinStandardHelpOptions = true,
      description = "Denies a held output: its researcher gets a refusal (rule review-denied) with your reason, "
          + "and the output never leaves the node.")
  static final class Deny extends Decide {
    @Option(names = "--reason", required = true, paramLabel = "<text>",
        description = "Why, told to the researcher: do not quote values.")
    String reason;

    @Override
    int run(ReleaseQueue queue, PrintWriter out) {
      if (reason.isBlank()) {
        throw new IllegalArgumentException("a denial needs a reason (--reason)");
      }
      return decide(queue, out, false, reason);
    }
  }
}
