package org.fedstats.pki.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.fedstats.pki.Crypto;

/**
 * Trusts the federation CA and nothing else (not the system's trust store), and refuses certificates the CA
 * revoked.
 *
 * <p>Chain, validity period, key usages (a researcher's client-only certificate cannot serve) and, on the client
 * side, the server's name are checked by the JDK's PKIX trust manager, initialised with the CA certificate as the
 * only trust anchor. Revocation is checked here, after it, against a {@link RevocationList} that re-reads the CRL
 * file when it changes. That is done instead of the PKIX revocation checker with the CRL in a CertStore because the
 * PKIX checker's parameters are fixed when the trust manager is made (a new CRL would need a new trust manager and
 * so a new SslContext), it fails every handshake once the CRL's nextUpdate has passed, and its refusals do not say
 * which certificate was revoked; here the CRL reloads in place, an outdated CRL stays in force with a warning, and
 * the refusal names the serial number.
 */
public final class FederationTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final RevocationList revocations;

  public FederationTrustManager(X509Certificate ca, RevocationList revocations) {
    this.pkix = pkixTrusting(ca);
    this.revocations = revocations;
  }

  private static X509ExtendedTrustManager pkixTrusting(X509Certificate ca) {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("fedstats-federation-ca", ca);
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(anchors);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot make a trust manager for the federation CA", e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
    notRevoked(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, socket);
    notRevoked(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType, engine);
    notRevoked(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
    notRevoked(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
    notRevoked(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
    notRevoked(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  private void notRevoked(X509Certificate[] chain) throws CertificateException {
    for (X509Certificate c : chain) {
      if (revocations.isRevoked(c)) {
        throw new CertificateException("certificate " + Crypto.hex(c.getSerialNumber()) + " ("
            + c.getSubjectX500Principal().getName() + ") is revoked by the federation CA");
      }
    }
  }
}
