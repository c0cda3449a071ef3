package org.fedstats.pki.statement;

import java.util.Objects;

/** Why a node does not take an identity statement; the message names what failed and never quotes the statement. */
public final class StatementException extends RuntimeException {
  /** What failed. {@link #authentication()} tells the two kinds apart. */
  public enum Failure {
    /** The request carries no statement and the node requires one. */
    MISSING(true),
    /** Not a compact JWS, or not of the form a coordinator signs. */
    MALFORMED(true),
    /** The signing certificate does not chain to the federation CA, is expired or revoked, or is not a coordinator's. */
    UNTRUSTED_SIGNER(true),
    /** The signature does not verify with the signing certificate's key. */
    BAD_SIGNATURE(true),
    /** Past its expiry, or issued in the future, or valid for longer than nodes take. */
    EXPIRED(true),
    /** For another node. */
    WRONG_AUDIENCE(false),
    /** Signed for another request than the one it came with. */
    MISBOUND(false),
    /** Seen before. */
    REPLAYED(false),
    /** The node remembers as many unexpired statements as it can; it takes no more until some expire. */
    OVERLOADED(false);

    private final boolean authentication;

    Failure(boolean authentication) {
      this.authentication = authentication;
    }

    /** True: who asked is not established (UNAUTHENTICATED); false: it is, but this request is not theirs to make. */
    public boolean authentication() {
      return authentication;
    }
  }

  private final Failure failure;

  public StatementException(Failure failure, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  public Failure failure() {
    return failure;
  }
}
