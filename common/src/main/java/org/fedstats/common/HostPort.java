package org.fedstats.common;

/** A network address written {@code host:port}, as configurations and the command line take it. */
public record HostPort(String host, int port) {
  public HostPort {
    if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("an address needs a host, not '" + Text.echo(host) + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("a port must be 0-65535, not " + port);
    }
  }

  /**
   * Parses {@code host:port} (IPv6 hosts in brackets, {@code [::1]:50051}); {@code what} names the setting in the
   * error message, e.g. "listen".
   */
  public static HostPort parse(String text, String what) {
    String problem = what + " must be host:port, e.g. 127.0.0.1:50051, not '" + Text.echo(text) + "'";
    if (text == null) {
      throw new IllegalArgumentException(problem);
    }
    int colon = text.lastIndexOf(':');
    if (colon < 1 || colon == text.length() - 1) {
      throw new IllegalArgumentException(problem);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":") || host.contains("/")) {
      throw new IllegalArgumentException(problem);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(problem);
    }
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace) || port < 0 || port > 65535) {
      throw new IllegalArgumentException(problem);
    }
    return new HostPort(host, port);
  }

  /**
   * Whether a server's failure to start was because its address is already taken, whichever transport reported it
   * (a {@link java.net.BindException}, or Netty's native "Address already in use").
   */
  public static boolean inUse(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
