package org.fedstats.client.pki;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fedstats.pki.KeyRequest;
import org.fedstats.pki.Pem;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.ca.IssuedCertificate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fedstats pki}: the federation's certificates. The CA operator runs {@code init}, {@code sign}, {@code list},
 * {@code revoke} and {@code crl} on the CA's machine; each node, the coordinator and each researcher runs
 * {@code request} on their own machine, so that their private key never leaves it. Errors are one line on stderr
 * with exit status 1.
 */
@Command(name = "pki", description = "The federation's certificate authority and members' certificates (mutual TLS).",
    subcommands = {PkiCommand.Init.class, PkiCommand.Request.class, PkiCommand.Sign.class, PkiCommand.ListIssued.class,
        PkiCommand.Revoke.class, PkiCommand.Crl.class},
    footerHeading = "%nWho runs what:%n",
    footer = {"  the CA operator: init once; sign each request received; list, revoke, crl.",
        "  each node, the coordinator, each researcher: request, where the key stays.",
        "See 'fedstats pki <command> --help' for an example of each."})
public final class PkiCommand implements Callable<Integer> {
  /** The CA folder when --ca-dir is not given. */
  static final String DEFAULT_CA_DIR = "${env:FEDSTATS_CA_DIR:-fedstats-ca}";
  private static final String CA_DIR_HELP = "The CA's folder (default: $FEDSTATS_CA_DIR or fedstats-ca).";
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(java.time.ZoneOffset.UTC);

  @Spec
  CommandSpec spec;

  /** Without a subcommand: the usage, on stderr, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return spec.exitCodeOnInvalidInput();
  }

  /**
   * Removes from {@code pki} and its subcommands the inherited options of the enclosing command line that mean
   * nothing for certificates (the coordinator's address, the output format, the user, the timeout).
   */
  public static void dropInheritedOptions(CommandLine pki, Set<String> names) {
    CommandSpec s = pki.getCommandSpec();
    for (OptionSpec option : new ArrayList<>(s.options())) {
      if (option.inherited() && names.contains(option.longestName())) {
        s.remove(option);
      }
    }
    pki.getSubcommands().values().forEach(sub -> dropInheritedOptions(sub, names));
  }

  /** {@code --ca-dir}, the CA's folder, for the commands run on the CA's machine. */
  static final class CaFolder {
    @Option(names = "--ca-dir", defaultValue = DEFAULT_CA_DIR, paramLabel = "<dir>", description = CA_DIR_HELP)
    Path dir;

    /** The CA in this folder. */
    FederationCa open() {
      return FederationCa.open(dir, Clock.systemUTC());
    }
  }

  private static PrintWriter out(CommandSpec spec) {
    return spec.commandLine().getOut();
  }

  @Command(name = "init", description = "Create the federation's CA: its key, certificate, index and an empty "
      + "revocation list.",
      footerHeading = "%nExample:%n",
      footer = {"  fedstats pki init --ca-dir /secure/fedstats-ca --name \"Example Federation CA\"",
          "Then give ca.crt to every node, the coordinator and every researcher; ca.key never leaves the folder."})
  static final class Init implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CaFolder caFolder;

    @Option(names = "--name", required = true, description = "The CA's name (its certificate's CN).")
    String name;

    @Option(names = "--years", defaultValue = "10", description = "How long the CA certificate is valid "
        + "(default: ${DEFAULT-VALUE} years).")
    int years;

    @Override
    public Integer call() {
      FederationCa ca = FederationCa.init(caFolder.dir, name, Duration.ofDays(365L * years + years / 4),
          Clock.systemUTC());
      PrintWriter out = out(spec);
      out.printf("created CA '%s' in %s, valid until %s%n", name, caFolder.dir,
          DAY.format(ca.certificate().getNotAfter().toInstant()));
      out.printf("  secret, stays here:         %s (owner-only)%n", caFolder.dir.resolve("ca.key"));
      out.printf("  give to every member:       %s%n", ca.certificateFile());
      out.printf("  copy to every node/coordinator: %s (after each revoke)%n", ca.crlFile());
      out.flush();
      return 0;
    }
  }

  @Command(name = "request", description = "Create a private key and a certificate signing request (CSR) for the "
      + "CA, on the machine that will keep the key.",
      footerHeading = "%nExamples:%n",
      footer = {"  fedstats pki request --name site1 --role node \\",
          "      --dns node1.hospital.example --ip 10.20.0.5 --out /etc/fedstats/tls",
          "  fedstats pki request --name alice --role researcher \\",
          "      --email alice@university.example",
          "Send only the .csr file to the CA operator; the .key file stays on this machine."})
  static final class Request implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--name", required = true, description = "Who holds the key: the node's id, the "
        + "coordinator's name, or the researcher's user name.")
    String name;

    @Option(names = "--role", required = true, converter = RoleConverter.class,
        description = "node, coordinator or researcher.")
    Role role;

    @Option(names = "--dns", split = ",", paramLabel = "<name>", description = "DNS names peers reach this "
        + "server by (node, coordinator; repeat or separate with commas).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", split = ",", paramLabel = "<address>", description = "IP addresses peers reach this "
        + "server by (node, coordinator).")
    List<String> ips = new ArrayList<>();

    @Option(names = "--email", split = ",", paramLabel = "<address>", description = "The researcher's e-mail "
        + "address.")
    List<String> emails = new ArrayList<>();

    @Option(names = "--out", defaultValue = ".", paramLabel = "<dir>", description = "Folder for <name>.key and "
        + "<name>.csr (default: the current folder).")
    Path out;

    @Override
    public Integer call() {
      KeyRequest request = new KeyRequest(name, role, dns, ips, emails);
      String file = fileName(name);
      Path key = out.resolve(file + ".key");
      Path csr = out.resolve(file + ".csr");
      request.write(key, csr);
      PrintWriter w = out(spec);
      w.printf("created %s request for '%s'%n", role, name);
      w.printf("  private key, stays here (owner-only): %s%n", key);
      w.printf("  send to the CA operator:             %s%n", csr);
      w.flush();
      return 0;
    }
  }

  @Command(name = "sign", description = "Sign a certificate request with the CA and record it in the index.",
      footerHeading = "%nExample:%n",
      footer = {"  fedstats pki sign --ca-dir /secure/fedstats-ca --role node site1.csr",
          "Writes site1.crt beside the request; send it back with ca.crt (and crl.pem for a node or the "
              + "coordinator). Signing a new request for the same name later (rotation) leaves the old certificate "
              + "valid until it expires or is revoked."})
  static final class Sign implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CaFolder caFolder;

    @Option(names = "--role", converter = RoleConverter.class, description = "The role you expect the request to "
        + "ask for (node, coordinator or researcher); signing is refused if it asks for another.")
    Role role;

    @Option(names = "--days", paramLabel = "<days>", description = "Validity in days (default: 365 for a node or "
        + "the coordinator, 90 for a researcher).")
    Integer days;

    @Option(names = "--out", paramLabel = "<file>", description = "Where to write the certificate (default: the "
        + "request's file name with .crt).")
    Path certificate;

    @Parameters(index = "0", paramLabel = "<csr>", description = "The certificate request (.csr) to sign.")
    Path csr;

    @Override
    public Integer call() {
      FederationCa ca = caFolder.open();
      FederationCa.Issued issued = ca.sign(Pem.readRequest(csr), Optional.ofNullable(role),
          Optional.ofNullable(days).map(Duration::ofDays));
      Path file = certificate != null ? certificate
          : csr.resolveSibling(csr.getFileName().toString().replaceFirst("\\.csr$", "") + ".crt");
      Pem.writeNew(file, Pem.encode(issued.certificate()));
      IssuedCertificate e = issued.entry();
      PrintWriter out = out(spec);
      out.printf("signed %s certificate %s for %s, valid until %s%s%n", e.role(), e.serial(), e.subject(),
          DAY.format(e.notAfter()), issued.shortened() ? " (cut to the CA certificate's end)" : "");
      out.printf("  send back: %s and %s%s%n", file, ca.certificateFile(),
          e.role().server() ? " and " + ca.crlFile() : "");
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", description = "The certificates the CA issued: serial, status, role, expiry, subject.",
      footerHeading = "%nExample:%n",
      footer = {"  fedstats pki list --ca-dir /secure/fedstats-ca"})
  static final class ListIssued implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CaFolder caFolder;

    @Override
    public Integer call() {
      List<IssuedCertificate> issued = caFolder.open().list();
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      PrintWriter out = out(spec);
      out.printf("%-32s  %-8s  %-11s  %-10s  %s%n", "serial", "status", "role", "not-after", "subject");
      for (IssuedCertificate c : issued) {
        out.printf("%-32s  %-8s  %-11s  %-10s  %s%n", c.serial(), c.status(now), c.role(), DAY.format(c.notAfter()),
            c.subject());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a certificate and write a new signed revocation list.",
      footerHeading = "%nExample:%n",
      footer = {"  fedstats pki revoke --ca-dir /secure/fedstats-ca --reason keyCompromise \\",
          "      5d1e0b7c2f9a4e3b8c6d0a1f2e3d4c5b",
          "Then copy crl.pem to every node and the coordinator: they re-read it within 30 seconds, without a "
              + "restart."})
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CaFolder caFolder;

    @Option(names = "--reason", defaultValue = "unspecified", description = "keyCompromise, superseded, "
        + "cessationOfOperation, affiliationChanged, privilegeWithdrawn or unspecified (default: ${DEFAULT-VALUE}).")
    String reason;

    @Parameters(index = "0", paramLabel = "<serial>", description = "The certificate's serial number, as 'fedstats "
        + "pki list' shows it.")
    String serial;

    @Override
    public Integer call() {
      FederationCa ca = caFolder.open();
      IssuedCertificate revoked = ca.revoke(serial, reason);
      PrintWriter out = out(spec);
      out.printf("revoked %s (%s): %s%n", revoked.serial(), revoked.subject(), revoked.reason().orElseThrow());
      out.printf("  copy to every node and the coordinator: %s%n", ca.crlFile());
      out.flush();
      return 0;
    }
  }

  @Command(name = "crl", description = "Write a fresh revocation list (crl.pem) with the same entries; do it at "
      + "least every 30 days, when the list falls due.",
      footerHeading = "%nExample:%n",
      footer = {"  fedstats pki crl --ca-dir /secure/fedstats-ca"})
  static final class Crl implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CaFolder caFolder;

    @Override
    public Integer call() {
      FederationCa ca = caFolder.open();
      var crl = ca.refreshCrl();
      PrintWriter out = out(spec);
      out.printf("wrote %s: %d revoked, due for renewal %s%n", ca.crlFile(),
          crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size(),
          DAY.format(crl.getNextUpdate().toInstant()));
      out.printf("  copy to every node and the coordinator%n");
      out.flush();
      return 0;
    }
  }

  /** A holder's name as a file name: characters other than letters, digits, '.', '_' and '-' become '_'. */
  static String fileName(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  static final class RoleConverter implements CommandLine.ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      try {
        return Role.parse(value);
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
