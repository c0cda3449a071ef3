package org.fedstats.pki.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.fedstats.pki.KeyRequest;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.tls.TlsFiles;

/** Test support: a member's request signed by a CA, laid out as {@code fedstats pki} lays it out. */
public final class Issuing {
  private Issuing() {}

  /** A node or coordinator serving on 127.0.0.1 and localhost. */
  public static KeyRequest server(String name, Role role) {
    return new KeyRequest(name, role, List.of("localhost"), List.of("127.0.0.1"), List.of());
  }

  /** A researcher. */
  public static KeyRequest researcher(String name) {
    return new KeyRequest(name, Role.RESEARCHER, List.of(), List.of(), List.of(name + "@hospital.example"));
  }

  /**
   * Makes {@code request}'s key and CSR in {@code member} under {@code file}, has {@code ca} sign it for
   * {@code validity} (the role's default if null), and lays the files out as {@code fedstats pki} does; the
   * revocation list read is the CA's own, so that a revocation in a test takes effect at once.
   */
  public static TlsFiles issue(FederationCa ca, Path member, String file, KeyRequest request, Duration validity) {
    ca.issueInto(member, file, request, Optional.ofNullable(validity));
    return TlsFiles.inFolder(member, file).withCrl(ca.crlFile());
  }

  public static TlsFiles issue(FederationCa ca, Path member, String file, KeyRequest request) {
    return issue(ca, member, file, request, null);
  }

  public static FederationCa newCa(Path dir, String name) {
    return FederationCa.init(dir, name, FederationCa.DEFAULT_CA_VALIDITY, Clock.systemUTC());
  }
}
