package org.fedstats.pki.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The files one member of the federation needs for mutual TLS, and how often a running server looks at them for a
 * change.
 *
 * @param key its own private key (PEM, owner-only)
 * @param certificateChain its own certificate (PEM), issued by the federation CA; more certificates may follow it
 * @param caCertificate the federation CA's certificate: the only certificate trusted
 * @param crl the federation's revocation list, re-read when it changes; empty for a member that does not check
 *     revocation (a researcher's client, which only talks to the coordinator)
 * @param refresh how often the revocation list, the key and the certificate are looked at for a change (a new list
 *     is taken, a rotated certificate served, without a restart); zero: at every handshake and call
 */
public record TlsFiles(Path key, Path certificateChain, Path caCertificate, Optional<Path> crl, Duration refresh) {
  /** How often the files are looked at for a change, unless said otherwise. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

  public TlsFiles {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(caCertificate, "caCertificate");
    Objects.requireNonNull(crl, "crl");
    Objects.requireNonNull(refresh, "refresh");
    if (refresh.isNegative()) {
      throw new IllegalArgumentException("the refresh interval must not be negative");
    }
  }

  /** The files, looked at for a change every {@link #DEFAULT_REFRESH}. */
  public TlsFiles(Path key, Path certificateChain, Path caCertificate, Optional<Path> crl) {
    this(key, certificateChain, caCertificate, crl, DEFAULT_REFRESH);
  }

  /**
   * The files as {@code fedstats pki} lays them out in one folder: {@code NAME.key}, {@code NAME.crt},
   * {@code ca.crt} and {@code crl.pem}.
   */
  public static TlsFiles inFolder(Path dir, String name) {
    return new TlsFiles(dir.resolve(name + ".key"), dir.resolve(name + ".crt"), dir.resolve("ca.crt"),
        Optional.of(dir.resolve("crl.pem")));
  }

  /** These files with the revocation list {@code crl}. */
  public TlsFiles withCrl(Path crl) {
    return new TlsFiles(key, certificateChain, caCertificate, Optional.of(crl), refresh);
  }

  /** These files without a revocation list. */
  public TlsFiles withoutCrl() {
    return new TlsFiles(key, certificateChain, caCertificate, Optional.empty(), refresh);
  }

  /** These files, looked at for a change every {@code interval}. */
  public TlsFiles withRefresh(Duration interval) {
    return new TlsFiles(key, certificateChain, caCertificate, crl, interval);
  }
}
