package org.fedstats.pki;

/** A PKI operation that cannot be done, with a message fit for the operator (no stack trace needed). */
public class PkiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
