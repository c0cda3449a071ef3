package org.fedstats.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * PEM files of the federation PKI: reading certificates, keys, requests and revocation lists, and writing them
 * safely. A private key is written as PKCS#8 ({@code PRIVATE KEY}, which Netty reads; the CA's may be encrypted) into a new file
 * that only its owner may read and write; an existing key is never overwritten. Files that change (the index, the
 * revocation list) are replaced atomically: written beside, then moved over the old one.
 */
public final class Pem {
  /** rw-------: the permissions of every private key file. */
  public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private Pem() {}

  /** PEM text of a certificate, request, revocation list or (PKCS#8) private key. */
  public static String encode(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Writes a private key into a new owner-only file; refuses if {@code file} exists. */
  public static void writeNewPrivateKey(Path file, PrivateKey key) {
    writeNewKeyText(file, encode(key));
  }

  /**
   * Writes a private key encrypted with {@code passphrase} into a new owner-only file ({@code ENCRYPTED PRIVATE KEY}:
   * PKCS#8 with AES-256-CBC under a key derived by PBKDF2-HMAC-SHA256, {@value #KEY_ITERATIONS} iterations, random
   * salt); refuses if {@code file} exists.
   */
  public static void writeNewPrivateKey(Path file, PrivateKey key, char[] passphrase) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
          .setPRF(PKCS8Generator.PRF_HMACSHA256).setIterationCount(KEY_ITERATIONS).setRandom(new SecureRandom())
          .setProvider(Bc.PROVIDER).setPassword(passphrase).build();
      writer.writeObject(new JcaPKCS8Generator(key, encryptor));
    } catch (IOException | OperatorCreationException e) {
      throw new PkiException("cannot encrypt the private key for " + file + ": " + e.getMessage(), e);
    }
    writeNewKeyText(file, text.toString());
  }

  /**
   * BouncyCastle's provider, for the ciphers of encrypted keys (not registered with the JVM); made on first use
   * only, as making it loads hundreds of classes, which every TLS member reading its unencrypted key would pay for.
   */
  private static final class Bc {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  /** PBKDF2 iterations of an encrypted key: OWASP's figure for PBKDF2-HMAC-SHA256 (2023). */
  public static final int KEY_ITERATIONS = 600_000;

  private static void writeNewKeyText(Path file, String pem) {
    createParent(file);
    try {
      if (Files.getFileStore(parentOf(file)).supportsFileAttributeView("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } else {
        Files.createFile(file);
      }
      Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      throw new PkiException("private key " + file + " exists already: a key is never overwritten (move it away "
          + "first if you mean to replace it)");
    } catch (IOException e) {
      throw new PkiException("cannot write private key " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code text} into a new file; refuses if {@code file} exists. */
  public static void writeNew(Path file, String text) {
    createParent(file);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new PkiException(file + " exists already: choose another file name or move it away");
    } catch (IOException e) {
      throw new PkiException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces {@code file}'s content at once: readers see the old or the new content, never a part. */
  public static void replace(Path file, String text) {
    createParent(file);
    Path temp = parentOf(file).resolve("." + file.getFileName() + ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new PkiException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every certificate in a PEM file, in order (a chain has the holder's certificate first). */
  public static List<X509Certificate> readCertificates(Path file) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object o : objects(file)) {
      if (o instanceof X509CertificateHolder holder) {
        certificates.add(certificate(holder));
      }
    }
    if (certificates.isEmpty()) {
      throw new PkiException(file + " holds no PEM certificate");
    }
    return certificates;
  }

  /** The first certificate in a PEM file. */
  public static X509Certificate readCertificate(Path file) {
    return readCertificates(file).getFirst();
  }

  /** A PEM private key (PKCS#8, or a traditional EC or RSA key), unencrypted. */
  public static PrivateKey readPrivateKey(Path file) {
    return readPrivateKey(file, Optional.empty());
  }

  /**
   * A PEM private key (PKCS#8, or a traditional EC or RSA key); an encrypted PKCS#8 key is decrypted with
   * {@code passphrase}. Fails, saying so, if the key is encrypted and no passphrase is given, or the passphrase is
   * wrong.
   */
  public static PrivateKey readPrivateKey(Path file, Optional<char[]> passphrase) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      for (Object o : objects(file)) {
        if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
          if (passphrase.isEmpty()) {
            throw new PkiException(file + " is encrypted with a passphrase, and none was given");
          }
          try {
            InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                .setProvider(Bc.PROVIDER).build(passphrase.get());
            return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
          } catch (PKCSException | OperatorCreationException e) {
            throw new PkiException("the passphrase does not open " + file + " (wrong passphrase, or a damaged file)",
                e);
          }
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      }
    } catch (IOException e) {
      throw new PkiException("cannot read private key " + file + ": " + e.getMessage(), e);
    }
    throw new PkiException(file + " holds no PEM private key");
  }

  /** A PEM certificate signing request. */
  public static PKCS10CertificationRequest readRequest(Path file) {
    for (Object o : objects(file)) {
      if (o instanceof PKCS10CertificationRequest request) {
        return request;
      }
    }
    throw new PkiException(file + " holds no PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)");
  }

  /** A PEM certificate revocation list. */
  public static X509CRL readCrl(Path file) {
    for (Object o : objects(file)) {
      if (o instanceof X509CRLHolder holder) {
        try {
          return new JcaX509CRLConverter().getCRL(holder);
        } catch (CRLException e) {
          throw new PkiException(file + " holds a malformed revocation list: " + e.getMessage(), e);
        }
      }
    }
    throw new PkiException(file + " holds no PEM revocation list (-----BEGIN X509 CRL-----)");
  }

  /** The JCA form of a certificate. */
  public static X509Certificate certificate(X509CertificateHolder holder) {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new PkiException("malformed certificate: " + e.getMessage(), e);
    }
  }

  private static List<Object> objects(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new PkiException("no such file: " + file);
    } catch (IOException e) {
      throw new PkiException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Object> objects = new ArrayList<>();
    try (Reader reader = new StringReader(text); PEMParser parser = new PEMParser(reader)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new PkiException(file + " is not a well-formed PEM file: " + e.getMessage(), e);
    }
    return objects;
  }

  private static Path parentOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of(".").toAbsolutePath() : parent;
  }

  private static void createParent(Path file) {
    try {
      Files.createDirectories(parentOf(file));
    } catch (IOException e) {
      throw new PkiException("cannot create folder " + parentOf(file) + ": " + e.getMessage(), e);
    }
  }
}
