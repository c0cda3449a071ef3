package org.fedstats.pki.tls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The files one member of the federation needs for mutual TLS.
 *
 * @param key its own private key (PEM, owner-only)
 * @param certificateChain its own certificate (PEM), issued by the federation CA; more certificates may follow it
 * @param caCertificate the federation CA's certificate: the only certificate trusted
 * @param crl the federation's revocation list, re-read when it changes; empty for a member that does not check
 *     revocation (a researcher's client, which only talks to the coordinator)
 */
public record TlsFiles(Path key, Path certificateChain, Path caCertificate, Optional<Path> crl) {
  public TlsFiles {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(caCertificate, "caCertificate");
    Objects.requireNonNull(crl, "crl");
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
    return new TlsFiles(key, certificateChain, caCertificate, Optional.of(crl));
  }

  /** These files without a revocation list. */
  public TlsFiles withoutCrl() {
    return new TlsFiles(key, certificateChain, caCertificate, Optional.empty());
  }
}
