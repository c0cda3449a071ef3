package org.fedstats.pki.tls;

import io.grpc.Context;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.x500.X500Name;
import org.fedstats.pki.Crypto;
import org.fedstats.pki.Role;
import org.fedstats.pki.Subjects;

/**
 * Who is on the other end of a mutual-TLS connection, read from its certificate once the handshake verified it
 * against the federation CA.
 *
 * @param commonName the holder's name (CN): a node id, the coordinator's name, a researcher's user name
 * @param role the holder's role (OU)
 * @param serial the certificate's serial number in hexadecimal, as the CA's index lists it
 * @param notAfter when the certificate expires
 */
public record PeerIdentity(String commonName, Role role, String serial, Instant notAfter) {
  /** Where {@link PeerIdentityInterceptor} puts the caller's identity for the call's handlers. */
  public static final Context.Key<PeerIdentity> CONTEXT_KEY = Context.key("fedstats-peer-identity");

  public PeerIdentity {
    Objects.requireNonNull(commonName, "commonName");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(notAfter, "notAfter");
  }

  /** The identity of the current gRPC call's caller, if it came through a {@link PeerIdentityInterceptor}. */
  public static Optional<PeerIdentity> current() {
    return Optional.ofNullable(CONTEXT_KEY.get());
  }

  /** How logs name this peer: {@code alice (researcher, serial 1F)}. */
  public String describe() {
    return commonName + " (" + role.label() + ", serial " + serial + ")";
  }

  /** The identity in a federation certificate; empty if it names no holder or no role. */
  public static Optional<PeerIdentity> of(X509Certificate certificate) {
    X500Name subject = Subjects.of(certificate.getSubjectX500Principal());
    Optional<String> name = Subjects.commonName(subject);
    Optional<Role> role = Subjects.role(subject);
    if (name.isEmpty() || role.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PeerIdentity(name.get(), role.get(), Crypto.hex(certificate.getSerialNumber()),
        certificate.getNotAfter().toInstant()));
  }

  /** The peer's verified certificate in a TLS session; empty if the peer presented none. */
  public static Optional<X509Certificate> peerCertificate(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? Optional.of(x509) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
