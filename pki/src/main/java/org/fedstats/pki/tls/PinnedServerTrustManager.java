package org.fedstats.pki.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.fedstats.pki.Role;

/**
 * A client's trust in one server: the {@link FederationTrustManager}'s checks (the federation CA only, validity, key
 * usage, host name, revocation), and then that the server's certificate names the expected holder with the expected
 * role, so that another member of the federation (a node, say) cannot pose as the coordinator. The last server
 * accepted is kept for the audit log.
 */
final class PinnedServerTrustManager extends X509ExtendedTrustManager {
  /** Ends every refusal's message, so that {@link HandshakeFailures} finds it. */
  static final String CONFIGURED = "this member is configured to trust";

  private final FederationTrustManager federation;
  private final Role role;
  private final String name;
  private volatile PeerIdentity accepted;

  PinnedServerTrustManager(FederationTrustManager federation, Role role, String name) {
    this.federation = Objects.requireNonNull(federation, "federation");
    this.role = Objects.requireNonNull(role, "role");
    this.name = Objects.requireNonNull(name, "name");
  }

  Optional<PeerIdentity> accepted() {
    return Optional.ofNullable(accepted);
  }

  private void pinned(X509Certificate[] chain) throws CertificateException {
    Optional<PeerIdentity> identity = PeerIdentity.of(chain[0]);
    if (identity.isEmpty() || identity.get().role() != role || !identity.get().commonName().equals(name)) {
      throw new CertificateException("the server's certificate is " + identity.map(PeerIdentity::describe)
          .orElse("one without a holder's name or role") + ", not the " + role.label() + " '" + name
          + "' " + CONFIGURED);
    }
    accepted = identity.get();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    federation.checkServerTrusted(chain, authType);
    pinned(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    federation.checkServerTrusted(chain, authType, socket);
    pinned(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    federation.checkServerTrusted(chain, authType, engine);
    pinned(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a client-side trust manager does not accept clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return federation.getAcceptedIssuers();
  }
}
