package org.fedstats.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.IPAddress;
import org.fedstats.common.Text;

/**
 * The {@code request} step, run on the machine that will hold the key (a node, the coordinator, a researcher's
 * laptop): a new key pair, written owner-only and never sent anywhere, and a certificate signing request (CSR) for
 * the federation CA with the holder's name, role and, for servers, the DNS names and IP addresses peers reach it by.
 *
 * @param name the holder's common name: a node's id, the coordinator's name, a researcher's user name
 * @param role what the holder is
 * @param dnsNames DNS names of a server (node, coordinator)
 * @param ipAddresses IP addresses of a server
 * @param emails e-mail addresses, for a researcher
 */
public record KeyRequest(String name, Role role, List<String> dnsNames, List<String> ipAddresses,
    List<String> emails) {
  private static final Pattern DNS = Pattern.compile(
      "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,253}");

  public KeyRequest {
    Subjects.checkName(name);
    if (role == null) {
      throw new PkiException("a request needs a role: one of " + Role.labels());
    }
    dnsNames = List.copyOf(dnsNames == null ? List.of() : dnsNames);
    ipAddresses = List.copyOf(ipAddresses == null ? List.of() : ipAddresses);
    emails = List.copyOf(emails == null ? List.of() : emails);
    dnsNames.forEach(d -> check(DNS.matcher(d).matches(), "'" + Text.echo(d) + "' is not a DNS name"));
    ipAddresses.forEach(ip -> check(IPAddress.isValid(ip), "'" + Text.echo(ip) + "' is not an IP address"));
    emails.forEach(e -> check(EMAIL.matcher(e).matches(), "'" + Text.echo(e) + "' is not an e-mail address"));
    if (role.server()) {
      check(!dnsNames.isEmpty() || !ipAddresses.isEmpty(), "a " + role + " serves TLS: give the DNS names or IP "
          + "addresses its peers connect to (the certificate is checked against them)");
    } else {
      check(dnsNames.isEmpty() && ipAddresses.isEmpty(), "a " + role + " is a TLS client only: its certificate "
          + "carries no DNS names or IP addresses");
    }
  }

  /** The subject alternative names of the request, in the order DNS names, IP addresses, e-mail addresses. */
  public GeneralNames alternativeNames() {
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
    ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    emails.forEach(e -> names.add(new GeneralName(GeneralName.rfc822Name, e)));
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /**
   * Makes the key pair and the request: the key into {@code keyFile} (new, owner-only), the request into
   * {@code csrFile} (new). Refuses, writing nothing, if either file exists.
   */
  public PKCS10CertificationRequest write(Path keyFile, Path csrFile) {
    if (Files.exists(keyFile)) {
      throw new PkiException("private key " + keyFile + " exists already: a key is never overwritten (move it "
          + "away first if you mean to replace it)");
    }
    if (Files.exists(csrFile)) {
      throw new PkiException(csrFile + " exists already: choose another file name or move it away");
    }
    KeyPair keys = Crypto.newKeyPair();
    JcaPKCS10CertificationRequestBuilder builder =
        new JcaPKCS10CertificationRequestBuilder(Subjects.holder(name, role), keys.getPublic());
    if (alternativeNames().getNames().length > 0) {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      try {
        extensions.addExtension(Extension.subjectAlternativeName, false, alternativeNames());
      } catch (IOException e) {
        throw new PkiException("cannot encode the alternative names: " + e.getMessage(), e);
      }
      Extensions generated = extensions.generate();
      builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, generated);
    }
    PKCS10CertificationRequest request = builder.build(Crypto.signer(keys.getPrivate()));
    Pem.writeNewPrivateKey(keyFile, keys.getPrivate());
    Pem.writeNew(csrFile, Pem.encode(request));
    return request;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new PkiException(message);
    }
  }
}
