package org.fedstats.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The federation's one choice of algorithms: ECDSA keys on P-256 signed with SHA-256, which every TLS stack
 * gRPC runs on (the JDK's and Netty's OpenSSL) accepts for client and server certificates.
 */
public final class Crypto {
  /** The curve of every key. */
  public static final String CURVE = "secp256r1";
  /** The signature algorithm of every certificate, request and revocation list. */
  public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Crypto() {}

  /** A fresh EC P-256 key pair. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java runtime cannot make EC P-256 keys", e);
    }
  }

  /** A signer with {@code key}. */
  public static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key);
    } catch (OperatorCreationException e) {
      throw new PkiException("cannot sign with this key (" + key.getAlgorithm() + "): " + e.getMessage(), e);
    }
  }

  /** A random positive 128-bit certificate serial number. */
  public static BigInteger randomSerial() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  /** A serial number as written in the index and given to {@code revoke}: lower-case hexadecimal. */
  public static String hex(BigInteger serial) {
    return serial.toString(16);
  }
}
