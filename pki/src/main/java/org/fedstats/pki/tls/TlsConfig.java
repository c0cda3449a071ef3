package org.fedstats.pki.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The {@code tls} section of a node's or coordinator's configuration file, as written: either the four files
 * ({@code key}, {@code certificate}, {@code ca}, optional {@code crl}) or the folder {@code fedstats pki} lays them
 * out in ({@code dir} and {@code name}: {@link TlsFiles#inFolder}). Paths are taken from the configuration file's
 * folder. A {@code crl} given beside {@code dir} replaces the folder's {@code crl.pem}. {@code refresh-seconds}: how
 * often the revocation list, the key and the certificate are looked at for a change (default 30).
 */
public record TlsConfig(String key, String certificate, String ca, String crl, String dir, String name,
    Long refreshSeconds) {
  /** The longest {@code refresh-seconds} taken: a day. */
  public static final long MAX_REFRESH_SECONDS = 86_400;

  /** What a server logs when it starts without mutual TLS ({@code insecure: true}, or settings made in code). */
  public static final String PLAINTEXT_WARNING = "serving PLAINTEXT gRPC, without mutual TLS (insecure: true): "
      + "anyone who can reach this port can call it and read the traffic; outside a test machine, replace "
      + "'insecure: true' with a 'tls' section (see 'Federation PKI' in deploy/README.md)";

  /** Why a configuration with neither a {@code tls} section nor {@code insecure: true} is refused. */
  public static final String NO_TRANSPORT = "no 'tls' section: mutual TLS is required; add 'tls: {dir: <folder>, "
      + "name: <name>}' with the files 'fedstats pki' made (see 'Federation PKI' in deploy/README.md), or "
      + "'insecure: true' for plaintext on a test machine";

  /** The section without {@code refresh-seconds}. */
  public TlsConfig(String key, String certificate, String ca, String crl, String dir, String name) {
    this(key, certificate, ca, crl, dir, name, null);
  }

  /** The files this section names, relative to {@code base}. */
  public TlsFiles files(Path base) {
    return located(base).withRefresh(refresh());
  }

  private Duration refresh() {
    if (refreshSeconds == null) {
      return TlsFiles.DEFAULT_REFRESH;
    }
    if (refreshSeconds < 0 || refreshSeconds > MAX_REFRESH_SECONDS) {
      throw new IllegalArgumentException("tls: refresh-seconds must be 0 to " + MAX_REFRESH_SECONDS + ", not "
          + refreshSeconds);
    }
    return Duration.ofSeconds(refreshSeconds);
  }

  private TlsFiles located(Path base) {
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
   * A configuration's transport: its {@code tls} section's files, or empty for plaintext ({@code insecure: true}).
   * Both a {@code tls} section and {@code insecure: true} is a mistake; neither too: mutual TLS is the default, and
   * plaintext must be asked for.
   */
  public static Optional<TlsFiles> choose(TlsConfig tls, Boolean insecure, Path base) {
    if (tls != null && Boolean.TRUE.equals(insecure)) {
      throw new IllegalArgumentException("give either a tls section or insecure: true, not both");
    }
    if (tls == null && !Boolean.TRUE.equals(insecure)) {
      throw new IllegalArgumentException(NO_TRANSPORT);
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
