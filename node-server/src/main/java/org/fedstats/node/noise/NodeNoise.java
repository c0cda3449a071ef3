package org.fedstats.node.noise;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.node.disclosure.noise.ExactSampler;
import org.fedstats.node.disclosure.noise.PrivacyCost;
import org.fedstats.node.disclosure.noise.PrivacyLedger;
import org.fedstats.node.disclosure.noise.RecordKeys;

/**
 * The node's noise state, opened at start and closed at shutdown: the secret behind cell keys (read from the
 * configured file, or created owner-only in the state folder on first start), the privacy ledger
 * ({@code <state-dir>/privacy}) of the datasets under differential privacy, and the source of noise.
 */
public final class NodeNoise implements AutoCloseable {
  /** The secret's file in the state folder when none is configured. */
  public static final String SECRET_FILE = "noise-secret";
  /** The ledger's folder in the state folder. */
  public static final String LEDGER_DIR = "privacy";

  private final Map<String, RecordKeys> keys;
  private final PrivacyLedger ledger;
  private final ExactSampler sampler;
  private final Optional<String> note;

  private NodeNoise(Map<String, RecordKeys> keys, PrivacyLedger ledger, ExactSampler sampler, Optional<String> note) {
    this.keys = Map.copyOf(keys);
    this.ledger = ledger;
    this.sampler = sampler;
    this.note = note;
  }

  /** No dataset uses noise. */
  public static NodeNoise none() {
    return new NodeNoise(Map.of(), null, ExactSampler.secure(), Optional.empty());
  }

  /**
   * Opens what the datasets' policies need.
   *
   * @param stateDir the node's state folder
   * @param secretFile the configured secret file, or null for {@code <state-dir>/noise-secret} (created if absent)
   * @param policies each dataset's noise policy, by name
   */
  public static NodeNoise open(Path stateDir, Path secretFile, Map<String, NoisePolicy> policies)
      throws IOException {
    Objects.requireNonNull(stateDir, "stateDir");
    Map<String, RecordKeys> keys = new HashMap<>();
    Optional<String> note = Optional.empty();
    boolean cellKey = policies.values().stream().anyMatch(p -> p.mode() == NoisePolicy.Mode.CELL_KEY);
    if (cellKey) {
      Path file = secretFile != null ? secretFile : stateDir.resolve(SECRET_FILE);
      if (secretFile == null && !Files.exists(file)) {
        create(file);
        note = Optional.of("created cell-key secret " + file);
      }
      byte[] secret = Files.readAllBytes(file);
      if (secret.length < RecordKeys.MIN_SECRET_BYTES) {
        throw new IOException("noise secret " + file + " has " + secret.length + " bytes; at least "
            + RecordKeys.MIN_SECRET_BYTES + " random bytes are needed");
      }
      for (var e : policies.entrySet()) {
        if (e.getValue().mode() == NoisePolicy.Mode.CELL_KEY) {
          keys.put(e.getKey(), new RecordKeys(secret, e.getKey()));
        }
      }
    }
    PrivacyLedger ledger = null;
    if (policies.values().stream().anyMatch(p -> p.mode().differentialPrivacy())) {
      Map<String, PrivacyCost> budgets = new HashMap<>();
      policies.forEach((name, p) -> budgets.put(name, p.budget()));
      ledger = PrivacyLedger.open(stateDir.resolve(LEDGER_DIR),
          (researcher, dataset) -> budgets.getOrDefault(dataset, PrivacyCost.ZERO));
    }
    return new NodeNoise(keys, ledger, ExactSampler.secure(), note);
  }

  private static void create(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] secret = new byte[RecordKeys.MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    try {
      if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      return;
    }
    Files.write(file, secret, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
  }

  /** The record keys of a cell-key dataset. */
  RecordKeys keys(String dataset) {
    RecordKeys k = keys.get(dataset);
    if (k == null) {
      throw new IllegalStateException("dataset " + dataset + " has no cell-key secret");
    }
    return k;
  }

  /** The privacy ledger (present when a dataset is under differential privacy). */
  public Optional<PrivacyLedger> ledger() {
    return Optional.ofNullable(ledger);
  }

  ExactSampler sampler() {
    return sampler;
  }

  /** What the node says about its noise state in its start line (e.g. that it created a secret). */
  public Optional<String> note() {
    return note;
  }

  @Override
  public void close() throws IOException {
    if (ledger != null) {
      ledger.close();
    }
  }
}
