package org.fedstats.pki.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.fedstats.pki.Crypto;
import org.fedstats.pki.KeyRequest;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;
import org.fedstats.pki.Subjects;

/**
 * The federation's certificate authority, kept in one folder on the CA operator's machine:
 * <ul>
 *   <li>{@code ca.key}: the CA's private key (owner-only; the one secret of the federation PKI),
 *   <li>{@code ca.crt}: the CA certificate every node, coordinator and researcher trusts (and nothing else),
 *   <li>{@code crl.pem}: the signed revocation list, to be copied to every server,
 *   <li>{@code index.json}: what was issued and revoked,
 *   <li>{@code issued/SERIAL.crt}: a copy of each certificate issued.
 * </ul>
 * Every change takes a lock on the folder, and files that change are replaced atomically.
 */
public final class FederationCa {
  /** Default validity of the CA certificate. */
  public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3653);
  /**
   * How long a revocation list is current: its {@code nextUpdate}. The operator writes a new one before then
   * ({@code fedstats pki crl}, or any {@code revoke}); servers keep enforcing an outdated list and warn.
   */
  public static final Duration CRL_VALIDITY = Duration.ofDays(30);
  /** How far back a certificate's validity starts, for clocks that run a little behind the CA's. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** The shortest passphrase the CA key is encrypted with. */
  public static final int MIN_PASSPHRASE_LENGTH = 12;

  private final Path dir;
  private final Clock clock;
  private final X509Certificate certificate;
  private final Optional<char[]> passphrase;

  private FederationCa(Path dir, Clock clock, X509Certificate certificate, Optional<char[]> passphrase) {
    this.dir = dir;
    this.clock = clock;
    this.certificate = certificate;
    this.passphrase = passphrase.map(char[]::clone);
  }

  /**
   * {@code init}: a new CA in {@code dir} (created if needed) named {@code name}, valid for {@code validity}, with
   * an empty index and an empty revocation list. Refuses if {@code dir} holds a CA already.
   */
  public static FederationCa init(Path dir, String name, Duration validity, Clock clock) {
    return init(dir, name, validity, clock, Optional.empty());
  }

  /**
   * {@link #init(Path, String, Duration, Clock)}, with {@code ca.key} encrypted with {@code passphrase} if one is
   * given (at least {@value #MIN_PASSPHRASE_LENGTH} characters); every later use of the key then needs it.
   */
  public static FederationCa init(Path dir, String name, Duration validity, Clock clock,
      Optional<char[]> passphrase) {
    Subjects.checkName(name);
    requirePositive(validity, "the CA's validity");
    if (passphrase.isPresent() && passphrase.get().length < MIN_PASSPHRASE_LENGTH) {
      throw new PkiException("the CA key's passphrase is too short: at least " + MIN_PASSPHRASE_LENGTH
          + " characters");
    }
    if (Files.exists(dir.resolve("ca.key")) || Files.exists(dir.resolve("ca.crt"))) {
      throw new PkiException(dir + " holds a CA already (ca.key or ca.crt): a CA is never overwritten");
    }
    createPrivateFolder(dir);
    KeyPair keys = Crypto.newKeyPair();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    X500Name subject = Subjects.authority(name);
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, Crypto.randomSerial(),
        Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), subject, keys.getPublic());
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new PkiException("cannot build the CA certificate: " + e.getMessage(), e);
    }
    X509Certificate certificate = Pem.certificate(builder.build(Crypto.signer(keys.getPrivate())));
    if (passphrase.isPresent()) {
      Pem.writeNewPrivateKey(dir.resolve("ca.key"), keys.getPrivate(), passphrase.get());
    } else {
      Pem.writeNewPrivateKey(dir.resolve("ca.key"), keys.getPrivate());
    }
    Pem.writeNew(dir.resolve("ca.crt"), Pem.encode(certificate));
    FederationCa ca = new FederationCa(dir, clock, certificate, passphrase);
    ca.locked(() -> {
      CertificateIndex index = CertificateIndex.empty();
      ca.writeCrl(index);
      return null;
    });
    return ca;
  }

  /** Creates {@code dir}, if it does not exist, readable by its owner only (rwx------). */
  private static void createPrivateFolder(Path dir) {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (Files.getFileStore(parent == null ? dir.toAbsolutePath().getRoot() : parent)
          .supportsFileAttributeView("posix")) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (IOException e) {
      throw new PkiException("cannot create the CA folder " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The CA in {@code dir}, its key unencrypted. */
  public static FederationCa open(Path dir, Clock clock) {
    return open(dir, clock, Optional.empty());
  }

  /** The CA in {@code dir}, its key opened with {@code passphrase} if it is encrypted. */
  public static FederationCa open(Path dir, Clock clock, Optional<char[]> passphrase) {
    if (!Files.exists(dir.resolve("ca.crt"))) {
      throw new PkiException(dir + " holds no CA (no ca.crt): create one with 'fedstats pki init'");
    }
    return new FederationCa(dir, clock, Pem.readCertificate(dir.resolve("ca.crt")), passphrase);
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate's file, to be given to every member of the federation. */
  public Path certificateFile() {
    return dir.resolve("ca.crt");
  }

  /** The revocation list's file, to be copied to every server. */
  public Path crlFile() {
    return dir.resolve("crl.pem");
  }

  private Path indexFile() {
    return dir.resolve("index.json");
  }

  /** Every certificate issued, oldest first. */
  public List<IssuedCertificate> list() {
    return CertificateIndex.read(indexFile()).certificates();
  }

  /**
   * A certificate issued by {@link #sign}, and its index entry.
   *
   * @param certificate the certificate, to be sent back to the requester
   * @param entry its index entry
   * @param shortened whether its validity was cut to end with the CA certificate's
   */
  public record Issued(X509Certificate certificate, IssuedCertificate entry, boolean shortened) {}

  /**
   * A member's whole enrolment on this one machine, for tests and demonstrations: makes {@code request}'s key and
   * request in the member's folder {@code member} (as {@code fedstats pki request} would on the member's machine:
   * {@code FILE.key}, owner-only, and {@code FILE.csr}), signs the request ({@link #sign}, for {@code validity} or
   * the role's default), writes {@code FILE.crt} beside them and copies {@code ca.crt} and {@code crl.pem} there: the
   * folder then holds what a node, the coordinator or a researcher reads. Returns the certificate issued.
   */
  public Issued issueInto(Path member, String file, KeyRequest request, Optional<Duration> validity) {
    Path csr = member.resolve(file + ".csr");
    request.write(member.resolve(file + ".key"), csr);
    Issued issued = sign(Pem.readRequest(csr), Optional.of(request.role()), validity);
    Pem.writeNew(member.resolve(file + ".crt"), Pem.encode(issued.certificate()));
    try {
      Files.copy(certificateFile(), member.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(crlFile(), member.resolve("crl.pem"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new PkiException("cannot copy the CA's certificate and revocation list to " + member + ": "
          + e.getMessage(), e);
    }
    return issued;
  }

  /**
   * {@code sign}: a certificate for the request, valid from now for {@code validity} (the role's default if
   * empty; never past the CA certificate's end), recorded in the index and copied to {@code issued/}. The role is
   * the one the request names; {@code role}, when given, must agree with it. Refuses a request whose signature
   * does not verify (altered after it was made), without a valid name, or with alternative names the role cannot
   * have. The CA decides the key usages: servers (node, coordinator) get serverAuth and clientAuth, researchers
   * clientAuth only.
   */
  public Issued sign(PKCS10CertificationRequest request, Optional<Role> role, Optional<Duration> validity) {
    JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(request);
    PublicKey key = verifiedKey(csr);
    X500Name asked = request.getSubject();
    String name = Subjects.commonName(asked).map(Subjects::checkName)
        .orElseThrow(() -> new PkiException("the request names no holder (no CN in its subject)"));
    Optional<Role> askedRole = Subjects.role(asked);
    if (role.isPresent() && askedRole.isPresent() && role.get() != askedRole.get()) {
      throw new PkiException("the request asks for role " + askedRole.get() + ", not " + role.get()
          + ": make a new request with the right role");
    }
    Role granted = role.or(() -> askedRole).orElseThrow(() -> new PkiException(
        "the request names no role (OU=" + Role.labels().replace(", ", "|") + "): give one"));
    Duration lifetime = validity.orElse(granted.defaultValidity());
    requirePositive(lifetime, "a certificate's validity");
    GeneralNames alternativeNames = allowedNames(request, granted);

    return locked(() -> {
      CertificateIndex index = CertificateIndex.read(indexFile());
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      Instant notBefore = now.minus(CLOCK_SKEW);
      Instant notAfter = now.plus(lifetime);
      Instant caEnd = certificate.getNotAfter().toInstant();
      boolean shortened = notAfter.isAfter(caEnd);
      if (shortened) {
        notAfter = caEnd;
      }
      BigInteger serial = Crypto.randomSerial();
      X500Name subject = Subjects.holder(name, granted);
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial,
          Date.from(notBefore), Date.from(notAfter), subject, key);
      try {
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        int usage = KeyUsage.digitalSignature | (key instanceof RSAPublicKey ? KeyUsage.keyEncipherment : 0);
        KeyPurposeId[] purposes = granted.server()
            ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
            : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
            .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(key))
            .addExtension(Extension.authorityKeyIdentifier, false,
                utils.createAuthorityKeyIdentifier(certificate));
        if (alternativeNames.getNames().length > 0) {
          builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
        }
      } catch (CertIOException | GeneralSecurityException e) {
        throw new PkiException("cannot build the certificate: " + e.getMessage(), e);
      }
      X509Certificate issued = Pem.certificate(builder.build(Crypto.signer(privateKey())));
      IssuedCertificate entry = new IssuedCertificate(Crypto.hex(serial),
          issued.getSubjectX500Principal().getName(), name, granted,
          notBefore, notAfter, Optional.empty(), Optional.empty());
      Pem.writeNew(dir.resolve("issued").resolve(entry.serial() + ".crt"), Pem.encode(issued));
      index.with(entry).write(indexFile());
      return new Issued(issued, entry, shortened);
    });
  }

  /**
   * {@code revoke}: marks the certificate with this serial number revoked and writes a new revocation list.
   * {@code reason} is a CRL reason code name ({@code keyCompromise}, {@code superseded}, {@code cessationOfOperation},
   * {@code affiliationChanged}, {@code unspecified}).
   */
  public IssuedCertificate revoke(String serial, String reason) {
    int code = reasonCode(reason);
    return locked(() -> {
      CertificateIndex index = CertificateIndex.read(indexFile());
      IssuedCertificate entry = index.find(serial).orElseThrow(() -> new PkiException(
          "this CA issued no certificate with serial " + CertificateIndex.normalise(serial)
              + " (see 'fedstats pki list')"));
      if (entry.revoked()) {
        throw new PkiException("certificate " + entry.serial() + " (" + entry.subject() + ") was revoked already, at "
            + entry.revokedAt().orElseThrow());
      }
      IssuedCertificate revoked = entry.revoke(clock.instant().truncatedTo(ChronoUnit.SECONDS), REASONS[code]);
      CertificateIndex changed = index.replacing(revoked);
      writeCrl(changed);
      return revoked;
    });
  }

  /** A new revocation list with the same entries, current for another {@link #CRL_VALIDITY}. */
  public X509CRL refreshCrl() {
    return locked(() -> writeCrl(CertificateIndex.read(indexFile())));
  }

  /** Writes the next revocation list for {@code index}, then the index with its number; call under the lock. */
  private X509CRL writeCrl(CertificateIndex index) {
    CertificateIndex next = index.nextCrl();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    X509v2CRLBuilder builder = new X509v2CRLBuilder(Subjects.of(certificate.getSubjectX500Principal()),
        Date.from(now));
    builder.setNextUpdate(Date.from(now.plus(CRL_VALIDITY)));
    for (IssuedCertificate c : next.certificates()) {
      if (c.revoked()) {
        builder.addCRLEntry(new BigInteger(c.serial(), 16), Date.from(c.revokedAt().orElseThrow()),
            reasonCode(c.reason().orElse("unspecified")));
      }
    }
    X509CRLHolder holder;
    try {
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(next.crlNumber())))
          .addExtension(Extension.authorityKeyIdentifier, false,
              new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      holder = builder.build(Crypto.signer(privateKey()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new PkiException("cannot build the revocation list: " + e.getMessage(), e);
    }
    Pem.replace(crlFile(), Pem.encode(holder));
    next.write(indexFile());
    try {
      return new JcaX509CRLConverter().getCRL(holder);
    } catch (CRLException e) {
      throw new PkiException("malformed revocation list: " + e.getMessage(), e);
    }
  }

  private PrivateKey privateKey() {
    return Pem.readPrivateKey(dir.resolve("ca.key"), passphrase);
  }

  /** The request's public key, once its signature verifies with it. */
  private static PublicKey verifiedKey(JcaPKCS10CertificationRequest csr) {
    PublicKey key;
    boolean valid;
    try {
      key = csr.getPublicKey();
      valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (Exception e) {
      throw new PkiException("the request's signature cannot be checked (" + e.getClass().getSimpleName()
          + "): it is damaged or was altered; ask for a new one", e);
    }
    if (!valid) {
      throw new PkiException("the request's signature does not verify: it was altered after it was made; ask for "
          + "a new one");
    }
    boolean strong = key instanceof ECPublicKey ec ? ec.getParams().getCurve().getField().getFieldSize() >= 256
        : key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= 2048;
    if (!strong) {
      throw new PkiException("the request's key (" + key.getAlgorithm() + ") is not an EC key of 256 bits or more "
          + "nor an RSA key of 2048 bits or more");
    }
    return key;
  }

  /** The request's alternative names, if the role may have each of them. */
  private static GeneralNames allowedNames(PKCS10CertificationRequest request, Role role) {
    List<GeneralName> names = new ArrayList<>();
    for (var attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (ASN1Encodable value : attribute.getAttrValues()) {
        GeneralNames requested = GeneralNames.fromExtensions(Extensions.getInstance(value),
            Extension.subjectAlternativeName);
        if (requested != null) {
          names.addAll(Arrays.asList(requested.getNames()));
        }
      }
    }
    for (GeneralName n : names) {
      boolean allowed = role.server() ? n.getTagNo() == GeneralName.dNSName || n.getTagNo() == GeneralName.iPAddress
          : n.getTagNo() == GeneralName.rfc822Name;
      if (!allowed) {
        throw new PkiException("the request asks for an alternative name of a kind a " + role + " cannot have ("
            + (role.server() ? "servers have DNS names and IP addresses" : "researchers have e-mail addresses")
            + ")");
      }
    }
    if (role.server() && names.isEmpty()) {
      throw new PkiException("a " + role + " certificate needs the DNS names or IP addresses its peers connect to, "
          + "and the request has none");
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static final String[] REASONS = {"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
      "superseded", "cessationOfOperation", "certificateHold", "unused", "removeFromCRL", "privilegeWithdrawn",
      "aACompromise"};

  /** The CRL reason codes an operator may give. */
  public static final List<String> REVOCATION_REASONS = List.of("unspecified", "keyCompromise", "affiliationChanged",
      "superseded", "cessationOfOperation", "privilegeWithdrawn");

  private static int reasonCode(String reason) {
    String wanted = reason == null ? "unspecified" : reason.strip();
    for (int i = 0; i < REASONS.length; i++) {
      if (REASONS[i].equalsIgnoreCase(wanted) && REVOCATION_REASONS.contains(REASONS[i])) {
        return i;
      }
    }
    throw new PkiException("unknown revocation reason: expected one of " + String.join(", ", REVOCATION_REASONS));
  }

  private static void requirePositive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new PkiException(what + " must be positive");
    }
  }

  /** Runs {@code action} holding the CA folder's lock, so that two operators cannot change it at once. */
  private <T> T locked(Supplier<T> action) {
    try {
      Files.createDirectories(dir);
      try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
        if (lock == null) {
          throw new PkiException("another 'fedstats pki' command is changing " + dir + "; try again when it is done");
        }
        return action.get();
      }
    } catch (IOException e) {
      throw new PkiException("cannot lock " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "FederationCa[" + dir + ", " + certificate.getSubjectX500Principal().getName() + "]";
  }
}
