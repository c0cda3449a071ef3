package org.fedstats.pki;

import java.util.Optional;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.fedstats.common.Text;

/**
 * Certificate subjects of the federation: {@code CN=<name>, OU=<role>}. The common name is who the holder is
 * (a node id, the coordinator, a researcher's user name), the organizational unit its {@link Role}.
 */
public final class Subjects {
  /** Letters, digits and {@code . _ - @ ' space}, starting with a letter or digit; at most 64 characters. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._@'-]{0,63}");

  private Subjects() {}

  /** Checks a common name; returns it. */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new PkiException("name '" + Text.echo(name) + "' is not allowed: use 1 to 64 letters, digits and "
          + ". _ - @ ' or spaces, starting with a letter or digit");
    }
    return name;
  }

  /** The subject of a holder: {@code CN=name,OU=role} (encoded in X.500 order: the OU first). */
  public static X500Name holder(String name, Role role) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.OU, role.label())
        .addRDN(BCStyle.CN, checkName(name)).build();
  }

  /** The subject of the federation CA: {@code CN=name}. */
  public static X500Name authority(String name) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, checkName(name)).build();
  }

  /** The common name in a subject, if there is one. */
  public static Optional<String> commonName(X500Name subject) {
    return first(subject, BCStyle.CN);
  }

  /** The role in a subject's organizational unit, if it names one. */
  public static Optional<Role> role(X500Name subject) {
    return first(subject, BCStyle.OU).flatMap(label -> {
      try {
        return Optional.of(Role.parse(label));
      } catch (PkiException e) {
        return Optional.empty();
      }
    });
  }

  /** The BouncyCastle form of a JCA subject. */
  public static X500Name of(X500Principal principal) {
    return X500Name.getInstance(principal.getEncoded());
  }

  private static Optional<String> first(X500Name subject, ASN1ObjectIdentifier type) {
    RDN[] rdns = subject.getRDNs(type);
    if (rdns.length == 0) {
      return Optional.empty();
    }
    ASN1Encodable value = rdns[0].getFirst().getValue();
    return Optional.of(value instanceof ASN1String string ? string.getString() : value.toString());
  }
}
