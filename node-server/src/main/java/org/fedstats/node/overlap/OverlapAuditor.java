package org.fedstats.node.overlap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.store.DataVersion;
import org.roaringbitmap.RoaringBitmap;

/**
 * The differencing defence: every record set the node releases from a dataset (across all researchers) is
 * remembered, per data version, and a new release is refused when one of its sets differs from one released
 * before, or from the whole table, by 1 to k − 1 records (k: the dataset's {@code overlap-min-difference}).
 * {@code count(age >= 60)} and then {@code count(age > 60)} would tell how many patients are exactly 60; the second
 * is refused. Identical sets are fine: the same query again, or a model's rounds over one sample.
 *
 * <p>Remembered sets live in the node's state folder, one append-only file per dataset and data version (memory
 * holds each set's size and place in the file; a check reads the few sets of a size near its own); new data
 * (another digest) starts a new file, and the sets released from older data no longer apply. A caller checks and
 * then remembers a release while holding this object's monitor, so that two concurrent releases are each checked
 * against the other.
 */
public final class OverlapAuditor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OverlapAuditor.class.getName());

  /**
   * One audited dataset: its version, its remembered sets and their file, and the most recent of them (at most
   * {@code combinations}) that the combination check holds in memory.
   */
  private record Audited(DataVersion version, int minDifference, SetIndex index, SetFile file,
      RecentSets recent) {}

  private final Map<String, DataVersion> versions;
  private final Map<String, Audited> audited;

  private OverlapAuditor(Map<String, DataVersion> versions, Map<String, Audited> audited) {
    this.versions = versions;
    this.audited = audited;
  }

  /**
   * Opens the remembered sets of each dataset whose policy audits overlap, from {@code stateDir}; {@code versions}
   * gives each loaded dataset's data version.
   */
  public static OverlapAuditor open(Path stateDir, List<DatasetDefinition> datasets,
      Function<String, DataVersion> versions) throws IOException {
    Map<String, DataVersion> all = new HashMap<>();
    Map<String, Audited> audited = new HashMap<>();
    OverlapAuditor auditor = new OverlapAuditor(all, audited);
    try {
      for (DatasetDefinition d : datasets) {
        DataVersion version = versions.apply(d.name());
        all.put(d.name(), version);
        DisclosurePolicy policy = d.policy();
        if (!policy.overlapAudit()) {
          LOG.warning("dataset " + d.name() + ": the overlap audit is off (overlap-audit: false); releases that "
              + "differ by a few records can be differenced to reveal individuals");
          continue;
        }
        if (version.rows() > Integer.MAX_VALUE) {
          throw new IOException("dataset " + d.name() + " has more rows than the overlap audit can number ("
              + Integer.MAX_VALUE + ")");
        }
        Path file = stateDir.resolve(fileName(d.name(), version));
        boolean fresh = !Files.exists(file);
        List<SetIndex.Stored> sets = new ArrayList<>();
        SetFile setFile = SetFile.open(file, sets);
        SetIndex index = new SetIndex(version.rows(), policy.minDifference());
        sets.forEach(index::add);
        RecentSets recent = new RecentSets(policy.overlapCombinations(), policy.minDifference(), version.rows());
        recent.reload(sets);
        audited.put(d.name(), new Audited(version, policy.minDifference(), index, setFile, recent));
        if (fresh && hasOtherVersions(stateDir, d.name(), file)) {
          LOG.info("dataset " + d.name() + " holds new data (version " + version.digest() + "); the record sets "
              + "released from its earlier data no longer apply");
        }
      }
    } catch (IOException | RuntimeException e) {
      auditor.close();
      throw e;
    }
    return auditor;
  }

  static String fileName(String dataset, DataVersion version) {
    return dataset + "-" + version.digest() + ".sets";
  }

  private static boolean hasOtherVersions(Path stateDir, String dataset, Path current) throws IOException {
    try (Stream<Path> files = Files.list(stateDir)) {
      Pattern name = Pattern.compile(Pattern.quote(dataset) + "-[0-9a-f]{64}\\.sets");
      return files.anyMatch(f -> !f.equals(current) && name.matcher(f.getFileName().toString()).matches());
    }
  }

  /** The data version of a dataset the node holds; empty for a name it does not hold. */
  public Optional<DataVersion> version(String dataset) {
    return Optional.ofNullable(versions.get(dataset));
  }

  /** Whether a dataset's releases are audited (false: its policy turns the audit off). */
  public boolean audits(String dataset) {
    return audited.containsKey(dataset);
  }

  /**
   * The refusal that applies to {@code release}, if one of its sets differs from a remembered one, the whole
   * table or another of its own sets by 1 to k − 1 records, or if a linear combination of its sets with the
   * recently released ones and the whole table would single out 1 to k − 1 records ({@link CombinationCheck}). The
   * reason says which rule, never which records, how many, or which earlier release.
   */
  public synchronized Optional<Refusal> check(ReleasedSets release) {
    Audited a = audited(release);
    List<RoaringBitmap> alongside = new ArrayList<>();
    for (RoaringBitmap set : release.sets()) {
      if (a.index().tooClose(set, alongside)) {
        return Optional.of(new Refusal(DisclosureRule.OVERLAP_MIN_DIFFERENCE, a.minDifference(),
            "the release would differ from an earlier release of this dataset by fewer than " + a.minDifference()
                + " records"));
      }
      alongside.add(set);
    }
    if (a.recent().singlesOut(release.sets())) {
      return Optional.of(new Refusal(DisclosureRule.OVERLAP_MIN_DIFFERENCE, a.minDifference(),
          "the release, combined with earlier releases of this dataset, would single out fewer than "
              + a.minDifference() + " records"));
    }
    return Optional.empty();
  }

  /** Remembers {@code release}'s sets, on disk (forced) and then in memory; throws if they cannot be written. */
  public synchronized void remember(ReleasedSets release) {
    Audited a = audited(release);
    List<RoaringBitmap> fresh = new ArrayList<>();
    for (RoaringBitmap set : release.sets()) {
      if (!a.index().contains(set) && fresh.stream().noneMatch(f -> RoaringBitmap.xorCardinality(f, set) == 0)) {
        fresh.add(set);
      }
    }
    List<SetIndex.Stored> stored;
    try {
      stored = a.file().append(fresh);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the node state file " + a.file().path(), e);
    }
    stored.forEach(a.index()::add);
    a.recent().addAll(release.sets());
  }

  /** How many distinct sets a dataset has released (0 when not audited). */
  public synchronized int remembered(String dataset) {
    Audited a = audited.get(dataset);
    return a == null ? 0 : a.index().size();
  }

  private Audited audited(ReleasedSets release) {
    Audited a = audited.get(release.dataset());
    if (a == null || !a.version().equals(release.version())) {
      throw new IllegalArgumentException("dataset " + release.dataset() + " is not audited at data version "
          + release.version().digest());
    }
    return a;
  }

  @Override
  public synchronized void close() throws IOException {
    IOException first = null;
    for (Audited a : audited.values()) {
      try {
        a.file().close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
