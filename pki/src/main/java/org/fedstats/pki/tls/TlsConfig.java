package org.fedstats.pki.tls;

import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The {@code tls} section of a node's or coordinator's configuration file, as written: either the four files
 * ({@code key}, {@code certificate}, {@code ca}, optional {@code crl}) or the folder {@code fedstats pki} lays them
 * out in ({@code dir} and {@code name}: {@link TlsFiles#inFolder}). Paths are taken from the configuration file's
 * folder. A {@code crl} given beside {@code dir} replaces the folder's {@code crl.pem}.
 */
public record TlsConfig(String key, String certificate, String ca, String crl, String dir, String name) {
  /** What a server logs when it starts without mutual TLS. */
  public static final String PLAINTEXT_WARNING = "serving over PLAINTEXT gRPC, without mutual TLS: anyone who can "
      + "reach this port can call it and read the traffic (configure 'tls': see 'Federation PKI' in deploy/README.md;"
      + " 'insecure: true' says plaintext is intended, as on a test machine)";

  /** The files this section names, relative to {@code base}. */
  public TlsFiles files(Path base) {
    boolean folder = dir != null || name != null;
    boolean files = key != null || certificate != null || ca != null;
    if (folder == files) {
      throw new IllegalArgumentException(
          "tls: give either dir and name (a folder laid out by 'fedstats pki') or key, certificate and ca");
    }
    if (folder) {
      if (dir == null || name == null) {
        throw new IllegalArgumentException("tls: dir and name go together");
      }
      TlsFiles inFolder = TlsFiles.inFolder(base.resolve(dir), name);
      return crl == null ? inFolder : inFolder.withCrl(base.resolve(crl));
    }
    if (key == null || certificate == null || ca == null) {
      throw new IllegalArgumentException("tls: key, certificate and ca are all needed");
    }
    return new TlsFiles(base.resolve(key), base.resolve(certificate), base.resolve(ca),
        Optional.ofNullable(crl).map(base::resolve));
  }

  /**
   * A configuration's transport: its {@code tls} section's files, or empty for plaintext. Both a {@code tls}
   * section and {@code insecure: true} is a mistake; {@code insecure: false} without {@code tls} too.
   */
  public static Optional<TlsFiles> choose(TlsConfig tls, Boolean insecure, Path base) {
    if (tls != null && Boolean.TRUE.equals(insecure)) {
      throw new IllegalArgumentException("give either a tls section or insecure: true, not both");
    }
    if (tls == null && Boolean.FALSE.equals(insecure)) {
      throw new IllegalArgumentException("insecure: false needs a tls section (the certificate to serve with)");
    }
    return tls == null ? Optional.empty() : Optional.of(tls.files(base));
  }

  private static final Logger LOG = Logger.getLogger(TlsConfig.class.getName());

  /** Logs, at start, how {@code who}'s server is reached: a warning for plaintext. */
  public static void logTransport(String who, Optional<TlsFiles> tls) {
    if (tls.isPresent()) {
      LOG.info(() -> who + " serves over mutual TLS with " + tls.get().certificateChain());
    } else {
      LOG.warning(() -> who + " is " + PLAINTEXT_WARNING);
    }
  }
}
