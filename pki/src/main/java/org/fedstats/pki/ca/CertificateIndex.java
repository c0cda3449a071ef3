package org.fedstats.pki.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;

/**
 * The CA's record of what it issued and revoked, and the number of the last revocation list, kept as a small JSON
 * file ({@code index.json}) an operator can read:
 * <pre>{"crl-number": 2, "certificates": [{"serial": "…", "subject": "CN=site1,OU=node", "role": "node",
 *   "not-before": "2026-…Z", "not-after": "2027-…Z", "status": "valid"}]}</pre>
 *
 * @param crlNumber number of the last revocation list written
 * @param certificates every certificate issued, oldest first
 */
record CertificateIndex(long crlNumber, List<IssuedCertificate> certificates) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  CertificateIndex {
    if (crlNumber < 0) {
      throw new PkiException("index with a negative CRL number");
    }
    certificates = List.copyOf(certificates);
  }

  static CertificateIndex empty() {
    return new CertificateIndex(0, List.of());
  }

  /** The entry of a serial number, given in hexadecimal (any case, with or without colons or 0x). */
  Optional<IssuedCertificate> find(String serial) {
    String wanted = normalise(serial);
    return certificates.stream().filter(c -> c.serial().equals(wanted)).findFirst();
  }

  CertificateIndex with(IssuedCertificate issued) {
    List<IssuedCertificate> all = new ArrayList<>(certificates);
    all.add(issued);
    return new CertificateIndex(crlNumber, all);
  }

  CertificateIndex replacing(IssuedCertificate changed) {
    return new CertificateIndex(crlNumber, certificates.stream()
        .map(c -> c.serial().equals(changed.serial()) ? changed : c).toList());
  }

  CertificateIndex nextCrl() {
    return new CertificateIndex(crlNumber + 1, certificates);
  }

  /** A serial number in the index's form: lower-case hexadecimal without leading zeros. */
  static String normalise(String serial) {
    String digits = serial == null ? "" : serial.strip().replace(":", "").toLowerCase(java.util.Locale.ROOT);
    if (digits.startsWith("0x")) {
      digits = digits.substring(2);
    }
    if (!digits.matches("[0-9a-f]{1,40}")) {
      throw new PkiException("a serial number is hexadecimal, as 'fedstats pki list' shows it");
    }
    return new BigInteger(digits, 16).toString(16);
  }

  static CertificateIndex read(Path file) {
    try {
      JsonNode root = JSON.readTree(Files.readString(file));
      List<IssuedCertificate> certificates = new ArrayList<>();
      for (JsonNode c : root.path("certificates")) {
        certificates.add(new IssuedCertificate(c.path("serial").asText(), c.path("subject").asText(),
            c.path("common-name").asText(), Role.parse(c.path("role").asText()),
            Instant.parse(c.path("not-before").asText()), Instant.parse(c.path("not-after").asText()),
            c.hasNonNull("revoked-at") ? Optional.of(Instant.parse(c.get("revoked-at").asText())) : Optional.empty(),
            c.hasNonNull("reason") ? Optional.of(c.get("reason").asText()) : Optional.empty()));
      }
      return new CertificateIndex(root.path("crl-number").asLong(), certificates);
    } catch (IOException | RuntimeException e) {
      throw new PkiException("cannot read the CA index " + file + ": " + e.getMessage(), e);
    }
  }

  void write(Path file) {
    ObjectNode root = JSON.createObjectNode();
    root.put("crl-number", crlNumber);
    ArrayNode list = root.putArray("certificates");
    for (IssuedCertificate c : certificates) {
      ObjectNode o = list.addObject();
      o.put("serial", c.serial());
      o.put("subject", c.subject());
      o.put("common-name", c.commonName());
      o.put("role", c.role().label());
      o.put("not-before", c.notBefore().toString());
      o.put("not-after", c.notAfter().toString());
      o.put("status", c.revoked() ? "revoked" : "valid");
      c.revokedAt().ifPresent(t -> o.put("revoked-at", t.toString()));
      c.reason().ifPresent(r -> o.put("reason", r));
    }
    try {
      Pem.replace(file, JSON.writeValueAsString(root) + "\n");
    } catch (IOException e) {
      throw new PkiException("cannot write the CA index " + file + ": " + e.getMessage(), e);
    }
  }
}
