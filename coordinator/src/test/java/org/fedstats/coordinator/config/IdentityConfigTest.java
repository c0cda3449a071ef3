package org.fedstats.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.fedstats.coordinator.identity.IdentitySettings;
import org.fedstats.coordinator.identity.OidcSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's oidc, identity-signing and identity-statement-ttl-ms keys as written. */
class IdentityConfigTest {
  @TempDir
  Path tmp;

  private CoordinatorSettings load(String yaml) throws IOException {
    Path file = tmp.resolve("coordinator.yaml");
    Files.writeString(file, "insecure: true\nnodes: [{id: site1, address: \"127.0.0.1:7051\"}]\n" + yaml);
    return CoordinatorSettings.load(file);
  }

  @Test
  void withoutTheKeysNoTokensAndTheDefaultLifetime() throws IOException {
    assertThat(load("").identity()).isEqualTo(IdentitySettings.DEFAULT);
  }

  @Test
  void theKeysAreReadWithTheirDefaults() throws IOException {
    IdentitySettings identity = load("""
        oidc: {issuer: "https://idp.example/realms/r", audience: fedstats, jwks-file: keys/jwks.json}
        identity-signing: {dir: signing, name: coordinator}
        identity-statement-ttl-ms: 30000
        """).identity();
    assertThat(identity.oidc()).contains(new OidcSettings("https://idp.example/realms/r", "fedstats",
        Optional.of(tmp.resolve("keys/jwks.json")), Optional.empty(), Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
        Duration.ofSeconds(60), Optional.empty()));
    assertThat(identity.signing().orElseThrow().key()).isEqualTo(tmp.resolve("signing/coordinator.key"));
    assertThat(identity.statementLifetime()).isEqualTo(Duration.ofSeconds(30));
    OidcSettings byUrl = load("""
        oidc: {issuer: i, audience: a, jwks-url: "http://127.0.0.1:8080/certs", algorithms: [ES256],
               clock-skew-seconds: 10, username-claim: email}
        """).identity().oidc().orElseThrow();
    assertThat(byUrl.jwksUrl()).contains(URI.create("http://127.0.0.1:8080/certs"));
    assertThat(byUrl.usernameClaim()).contains("email");
  }

  @Test
  void mistakesAreOneLineEach() {
    assertThatThrownBy(() -> load("oidc: {issuer: i, audience: a}\n")).hasMessageContaining("jwks-file or jwks-url");
    assertThatThrownBy(() -> load("oidc: {issuer: i, jwks-file: k}\n")).hasMessageContaining("oidc.audience");
    assertThatThrownBy(() -> load("oidc: {issuer: i, audience: a, jwks-file: k, algorithms: [HS256]}\n"))
        .hasMessageContaining("not a public-key signature algorithm");
    assertThatThrownBy(() -> load("oidc: {issuer: i, audience: a, jwks-file: k, algorithms: [none]}\n"))
        .hasMessageContaining("not a public-key signature algorithm");
  }
}
