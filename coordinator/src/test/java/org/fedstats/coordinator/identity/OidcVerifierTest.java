package org.fedstats.coordinator.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedstats.pki.statement.AuthMethod;
import org.fedstats.pki.testing.Tokens;
import org.fedstats.pki.tls.PeerIdentity;
import org.fedstats.pki.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Researchers' OpenID Connect tokens as the coordinator checks them, against an issuer's keys served on 127.0.0.1
 * (and from a file): the valid token is taken, and each bad one refused with a reason that does not quote it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcVerifierTest {
  private static final String ISSUER = "https://idp.example/realms/research";
  private static final String AUDIENCE = "fedstats";

  private final Tokens idp = new Tokens(ISSUER);
  private final AtomicInteger fetches = new AtomicInteger();
  private HttpServer jwks;
  private OidcVerifier verifier;

  @BeforeAll
  void serveKeys() throws Exception {
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jwks.createContext("/certs", exchange -> {
      fetches.incrementAndGet();
      byte[] body = idp.jwks().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    jwks.start();
    verifier = new OidcVerifier(settings(Optional.empty()));
  }

  @AfterAll
  void stop() {
    jwks.stop(0);
  }

  private OidcSettings settings(Optional<String> usernameClaim) {
    return new OidcSettings(ISSUER, AUDIENCE, Optional.empty(),
        Optional.of(URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs")),
        Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), Duration.ofSeconds(30), usernameClaim);
  }

  private void assertRefused(String token, String reason) {
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(OidcVerifier.Refused.class)
        .hasMessageContaining(reason).satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
  }

  @Test
  void aValidTokenNamesTheResearcherByPreferredUsername() {
    assertThat(verifier.verify(idp.token("alice", AUDIENCE))).isEqualTo(new Researcher("alice", AuthMethod.OIDC));
    assertThat(fetches.get()).isPositive();
  }

  @Test
  void theUserNameClaimIsConfigurableAndFallsBackToSub() throws Exception {
    String withoutName = idp.token("alice", AUDIENCE, c -> c.claim("preferred_username", null));
    assertThat(verifier.verify(withoutName).name()).isEqualTo("sub-alice");
    OidcVerifier byEmail = new OidcVerifier(settings(Optional.of("email")));
    assertThat(byEmail.verify(idp.token("alice", AUDIENCE, c -> c.claim("email", "alice@uni.example"))).name())
        .isEqualTo("alice@uni.example");
    assertThatThrownBy(() -> byEmail.verify(idp.token("alice", AUDIENCE)))
        .hasMessageContaining("has no user name (claim email)");
  }

  @Test
  void anExpiredOrNotYetValidTokenIsRefused() {
    Instant past = Instant.now().minus(Duration.ofHours(1));
    assertRefused(idp.token("alice", AUDIENCE, c -> c.expirationTime(Date.from(past))), "Expired JWT");
    assertRefused(idp.token("alice", AUDIENCE, c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))),
        "before use time");
  }

  @Test
  void aTokenForAnotherAudienceOrFromAnotherIssuerIsRefused() {
    assertRefused(idp.token("alice", "another-app"), "aud claim rejected");
    assertRefused(idp.token("alice", AUDIENCE, c -> c.issuer("https://evil.example/")), "iss claim");
    // The right issuer's name, but another key: none of the issuer's keys verifies it.
    Tokens impostor = new Tokens(ISSUER);
    assertRefused(impostor.token("alice", AUDIENCE), "the bearer token");
  }

  @Test
  void unsignedTamperedAndSymmetricallySignedTokensAreRefused() throws Exception {
    String valid = idp.token("alice", AUDIENCE);
    String[] parts = valid.split("\\.");
    assertRefused(new PlainJWT(JWTClaimsSet.parse(new String(Base64URL.from(parts[1]).decode(),
        StandardCharsets.UTF_8))).serialize(), "not signed (alg none)");
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
        .replace("\"preferred_username\":\"alice\"", "\"preferred_username\":\"admin\"");
    assertThat(payload).contains("admin");
    assertRefused(parts[0] + "." + Base64URL.encode(payload) + "." + parts[2], "Invalid signature");
    // HS256 keyed with something public: an algorithm the coordinator does not accept.
    SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), JWTClaimsSet.parse(payload));
    hmac.sign(new MACSigner(new byte[32]));
    assertRefused(hmac.serialize(), "Another algorithm expected");
    assertRefused("not.a-token", "not a JWT");
  }

  @Test
  void keysCanComeFromAFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("jwks.json"), idp.jwks());
    OidcVerifier fromFile = new OidcVerifier(new OidcSettings(ISSUER, AUDIENCE, Optional.of(file), Optional.empty(),
        Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(30), Optional.empty()));
    assertThat(fromFile.verify(idp.token("bob", AUDIENCE)).name()).isEqualTo("bob");
  }

  @Test
  void theAuthenticatorTakesATokenOrACertificateAndRefusesNeither() {
    Authenticator both = new Authenticator(Optional.of(verifier), true);
    PeerIdentity carol = new PeerIdentity("carol", Role.RESEARCHER, "1F", Instant.now().plusSeconds(3600));
    assertThat(both.authenticate(Optional.of(carol), null, "someone")).isEqualTo(
        new Researcher("carol", AuthMethod.CERTIFICATE));
    assertThat(both.authenticate(Optional.empty(), "Bearer " + idp.token("alice", AUDIENCE), "someone"))
        .isEqualTo(new Researcher("alice", AuthMethod.OIDC));
    // An invalid token is refused even with a valid certificate.
    assertThatThrownBy(() -> both.authenticate(Optional.of(carol), "Bearer x.y.z", null))
        .isInstanceOf(OidcVerifier.Refused.class);
    assertThatThrownBy(() -> both.authenticate(Optional.empty(), null, "alice"))
        .hasMessageContaining("authenticated researchers only").hasMessageContaining("--token-file");
    assertThatThrownBy(() -> both.authenticate(Optional.empty(), "Basic YWxpY2U6c2VjcmV0", null))
        .hasMessageContaining("not 'Bearer <token>'");
    assertThatThrownBy(() -> Authenticator.claimsOnly().authenticate(Optional.empty(), "Bearer abc", "alice"))
        .hasMessageContaining("takes no bearer tokens");
    assertThat(Authenticator.claimsOnly().authenticate(Optional.empty(), null, "alice"))
        .isEqualTo(new Researcher("alice", AuthMethod.CLAIMED));
  }
}
