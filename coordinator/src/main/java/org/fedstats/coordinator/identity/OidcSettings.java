package org.fedstats.coordinator.identity;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How the coordinator checks researchers' OpenID Connect bearer tokens: whose ({@code issuer}), for whom
 * ({@code audience}), with which keys (a JWKS file or URL), signed how, with what clock skew, and which claim names
 * the researcher.
 */
public record OidcSettings(String issuer, String audience, Optional<Path> jwksFile, Optional<URI> jwksUrl,
    Set<JWSAlgorithm> algorithms, Duration clockSkew, Optional<String> usernameClaim) {
  /** Algorithms accepted unless configured: RSA and P-256 ECDSA signatures with SHA-256, as identity providers use. */
  public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256");
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  /** The claims that name the researcher unless configured: the first present of these. */
  public static final List<String> DEFAULT_USERNAME_CLAIMS = List.of("preferred_username", "sub");

  public OidcSettings {
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("oidc.issuer is required (the identity provider's issuer URL)");
    }
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("oidc.audience is required (the client id tokens are issued for)");
    }
    Objects.requireNonNull(jwksFile, "jwksFile");
    Objects.requireNonNull(jwksUrl, "jwksUrl");
    if (jwksFile.isPresent() == jwksUrl.isPresent()) {
      throw new IllegalArgumentException("oidc: give either jwks-file or jwks-url (the issuer's keys)");
    }
    algorithms = Set.copyOf(algorithms);
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("oidc.algorithms lists no algorithm");
    }
    if (clockSkew == null || clockSkew.isNegative()) {
      throw new IllegalArgumentException("oidc.clock-skew-seconds cannot be negative");
    }
    Objects.requireNonNull(usernameClaim, "usernameClaim");
  }

  /** The {@code oidc} section of a coordinator's configuration, as written. */
  public record Config(String issuer, String audience, String jwksFile, String jwksUrl, List<String> algorithms,
      Long clockSkewSeconds, String usernameClaim) {}

  /** The settings {@code config} writes, with a JWKS file relative to {@code base}. */
  public static OidcSettings of(Config config, Path base) {
    List<String> names = config.algorithms() == null ? DEFAULT_ALGORITHMS : config.algorithms();
    Set<JWSAlgorithm> algorithms = new java.util.HashSet<>();
    for (String name : names) {
      JWSAlgorithm a = JWSAlgorithm.parse(name);
      if (!JWSAlgorithm.Family.SIGNATURE.contains(a)) {
        throw new IllegalArgumentException("oidc.algorithms: '" + org.fedstats.common.Text.echo(name)
            + "' is not a public-key signature algorithm (e.g. RS256, PS256, ES256, EdDSA)");
      }
      algorithms.add(a);
    }
    return new OidcSettings(config.issuer(), config.audience(),
        Optional.ofNullable(config.jwksFile()).map(base::resolve),
        Optional.ofNullable(config.jwksUrl()).map(URI::create), algorithms,
        config.clockSkewSeconds() == null ? DEFAULT_CLOCK_SKEW : Duration.ofSeconds(config.clockSkewSeconds()),
        Optional.ofNullable(config.usernameClaim()));
  }
}
