package org.fedstats.common;

/** What nodes, the coordinator and the client must agree on beyond the protobuf messages themselves. */
public final class Contract {
  /** Largest research request a node or the coordinator runs: typed requests are small, a bigger one is a mistake. */
  public static final int MAX_REQUEST_BYTES = 64 * 1024;

  /** The table level that counts records with no value; always the last level of a table's variable. */
  public static final String MISSING_LEVEL = "<missing>";

  /** The gRPC header naming the researcher to the coordinator (until researchers are authenticated). */
  public static final io.grpc.Metadata.Key<String> USER_HEADER =
      io.grpc.Metadata.Key.of("fedstats-user", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  /** The gRPC header carrying a researcher's OpenID Connect token to the coordinator: {@code Bearer <JWT>}. */
  public static final io.grpc.Metadata.Key<String> AUTHORIZATION_HEADER =
      io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

  /**
   * The node policy (a dataset's {@code disclosure: site-results}) under which a site's values go into pooled values
   * only; the coordinator names it when it withholds them, and the client prints it.
   */
  public static final String POOLED_ONLY = "pooled-only";

  private Contract() {}

  /**
   * What a coordinator's identity statement binds a node request by (its {@code req} claim): the lower-case hex
   * SHA-256 of the request serialized without its {@code identity_statement}. Any change to the request on the way
   * (another dataset, analysis, filter, project, round, requester...) changes it.
   */
  public static String requestBinding(org.fedstats.proto.v1.NodeAnalysisRequest request) {
    return org.fedstats.common.audit.ChainedLog.sha256(request.toBuilder().clearIdentityStatement().build()
        .toByteArray());
  }

  /**
   * The researcher's name in a requester as the coordinator reports it to nodes, {@code <user>@<address>}: the part
   * before the last {@code @} (the address changes with every connection; the name does not); the whole when it has
   * no {@code @}.
   */
  public static String researcher(String requester) {
    int at = requester.lastIndexOf('@');
    return at < 0 ? requester : requester.substring(0, at);
  }

  /** The build's version of the jar holding {@code type}, from its manifest ("dev" when run from classes). */
  public static String version(Class<?> type) {
    String v = type.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
