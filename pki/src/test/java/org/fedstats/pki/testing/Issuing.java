package org.fedstats.pki.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.fedstats.pki.KeyRequest;
import org.fedstats.pki.Pem;
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
   * {@code validity} (the role's default if null), and copies the CA certificate and revocation list beside them.
   */
  public static TlsFiles issue(FederationCa ca, Path member, String file, KeyRequest request, Duration validity) {
    try {
      Files.createDirectories(member);
      Path csr = member.resolve(file + ".csr");
      request.write(member.resolve(file + ".key"), csr);
      FederationCa.Issued issued = ca.sign(Pem.readRequest(csr), Optional.empty(), Optional.ofNullable(validity));
      Pem.writeNew(member.resolve(file + ".crt"), Pem.encode(issued.certificate()));
      Files.copy(ca.certificateFile(), member.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return TlsFiles.inFolder(member, file).withCrl(ca.crlFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static TlsFiles issue(FederationCa ca, Path member, String file, KeyRequest request) {
    return issue(ca, member, file, request, null);
  }

  public static FederationCa newCa(Path dir, String name) {
    return FederationCa.init(dir, name, FederationCa.DEFAULT_CA_VALIDITY, Clock.systemUTC());
  }
}
