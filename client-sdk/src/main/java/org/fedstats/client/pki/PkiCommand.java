package org.fedstats.client.pki;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fedstats.pki.KeyRequest;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;
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
        PkiCommand.Revoke.class, PkiCommand.Crl.class, PkiCommand.Demo.class},
    footerHeading = "%nWho runs what:%n",
    footer = {"  the CA operator: init once; sign each request received; list, revoke, crl.",
        "  each node, the coordinator, each researcher: request, where the key stays.",
        "  a demonstration or test on one machine: demo, all of it at once.",
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

  /** The environment variable that may hold the CA key's passphrase. */
  static final String PASSPHRASE_ENV = "FEDSTATS_CA_PASSPHRASE";

  /**
   * {@code --ca-dir}, the CA's folder, for the commands run on the CA's machine, and {@code --passphrase-file}, for
   * a CA key encrypted with a passphrase ({@code init --encrypt}).
   */
  static final class CaFolder {
    @Option(names = "--ca-dir", defaultValue = DEFAULT_CA_DIR, paramLabel = "<dir>", description = CA_DIR_HELP)
    Path dir;

    @Option(names = "--passphrase-file", paramLabel = "<file>", description = "A file whose first line is the CA "
        + "key's passphrase, if ca.key is encrypted (default: $" + PASSPHRASE_ENV + ", if set).")
    Path passphraseFile;

    /** The passphrase given: the file's first line, else the environment variable's value, else none. */
    Optional<char[]> passphrase() {
      if (passphraseFile != null) {
        try (var lines = Files.lines(passphraseFile, StandardCharsets.UTF_8)) {
          return Optional.of(lines.findFirst().orElse("").toCharArray());
        } catch (IOException | UncheckedIOException e) {
          throw new PkiException("cannot read the passphrase file " + passphraseFile + ": " + e.getMessage());
        }
      }
      String value = System.getenv(PASSPHRASE_ENV);
      return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value.toCharArray());
    }

    /** The CA in this folder. */
    FederationCa open() {
      return FederationCa.open(dir, Clock.systemUTC(), passphrase());
    }
  }

  private static PrintWriter out(CommandSpec spec) {
    return spec.commandLine().getOut();
  }

  @Command(name = "init", description = "Create the federation's CA: its key, certificate, index and an empty "
      + "revocation list.",
      footerHeading = "%nExample:%n",
      footer = {"  fedstats pki init --ca-dir /secure/fedstats-ca --name \"Example Federation CA\"",
          "  fedstats pki init --ca-dir /secure/fedstats-ca --name \"Example Federation CA\" --encrypt \\",
          "      --passphrase-file /media/usb/ca-passphrase",
          "Then give ca.crt to every node, the coordinator and every researcher; ca.key never leaves the folder.",
          "With --encrypt, sign, revoke and crl need the passphrase (--passphrase-file or $" + PASSPHRASE_ENV + ")."})
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

    @Option(names = "--encrypt", description = "Encrypt ca.key with a passphrase (at least "
        + FederationCa.MIN_PASSPHRASE_LENGTH + " characters) from --passphrase-file or $" + PASSPHRASE_ENV + ".")
    boolean encrypt;

    @Override
    public Integer call() {
      Optional<char[]> passphrase = Optional.empty();
      if (encrypt) {
        passphrase = caFolder.passphrase();
        if (passphrase.isEmpty()) {
          throw new IllegalArgumentException("--encrypt needs the passphrase: --passphrase-file <file> or $"
              + PASSPHRASE_ENV);
        }
      }
      FederationCa ca = FederationCa.init(caFolder.dir, name, Duration.ofDays(365L * years + years / 4),
          Clock.systemUTC(), passphrase);
      PrintWriter out = out(spec);
      out.printf("created CA '%s' in %s, valid until %s%n", name, caFolder.dir,
          DAY.format(ca.certificate().getNotAfter().toInstant()));
      out.printf("  secret, stays here:         %s (owner-only%s)%n", caFolder.dir.resolve("ca.key"),
          encrypt ? ", encrypted with the passphrase" : "");
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
          "Then copy crl.pem to every node and the coordinator: they re-read it within their tls refresh-seconds "
              + "(30 unless configured), without a restart."})
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

  @Command(name = "demo", description = "For a demonstration or a test on ONE machine: create a CA and a "
      + "certificate for the coordinator (named coordinator), each node and each researcher, each in its own "
      + "folder, in one go.",
      footerHeading = "%nExample:%n",
      footer = {"  fedstats pki demo --dir run/pki --nodes site1,site2,site3 --researchers alice",
          "Makes run/pki/ca (the CA), and run/pki/coordinator, run/pki/site1, ... and run/pki/alice, each holding",
          "NAME.key, NAME.crt, ca.crt and crl.pem: the folder of 'tls: {dir, name}' or of --tls-dir/--tls-name.",
          "Each key is made in its member's folder, as 'request' would, but all on this machine: for a real",
          "federation each member runs 'request' on its own machine and the CA operator 'sign'."})
  static final class Demo implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "<dir>", description = "The folder to create the CA's "
        + "and the members' folders in.")
    Path dir;

    @Option(names = "--name", defaultValue = "Demo Federation CA", description = "The CA's name (default: "
        + "${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--nodes", required = true, split = ",", paramLabel = "<id>", description = "The nodes' ids.")
    List<String> nodes;

    @Option(names = "--researchers", split = ",", paramLabel = "<name>", description = "The researchers' user "
        + "names.")
    List<String> researchers = new ArrayList<>();

    @Option(names = "--dns", split = ",", defaultValue = "localhost", paramLabel = "<name>", description = "DNS "
        + "names the coordinator and the nodes are reached by (default: ${DEFAULT-VALUE}).")
    List<String> dns;

    @Option(names = "--ip", split = ",", defaultValue = "127.0.0.1", paramLabel = "<address>", description = "IP "
        + "addresses the coordinator and the nodes are reached by (default: ${DEFAULT-VALUE}).")
    List<String> ips;

    @Override
    public Integer call() {
      List<KeyRequest> members = new ArrayList<>();
      members.add(new KeyRequest("coordinator", Role.COORDINATOR, dns, ips, List.of()));
      nodes.forEach(node -> members.add(new KeyRequest(node, Role.NODE, dns, ips, List.of())));
      researchers.forEach(r -> members.add(new KeyRequest(r, Role.RESEARCHER, List.of(), List.of(), List.of())));
      Set<String> folders = new HashSet<>(Set.of("ca"));
      for (KeyRequest member : members) {
        if (!folders.add(fileName(member.name()))) {
          throw new IllegalArgumentException("'" + member.name() + "' is named twice, or is 'ca' (the CA's folder)");
        }
      }
      FederationCa ca = FederationCa.init(dir.resolve("ca"), name, FederationCa.DEFAULT_CA_VALIDITY,
          Clock.systemUTC());
      PrintWriter out = out(spec);
      out.printf("created CA '%s' in %s%n", name, dir.resolve("ca"));
      for (KeyRequest member : members) {
        String file = fileName(member.name());
        Path folder = dir.resolve(file);
        ca.issueInto(folder, file, member, Optional.empty());
        out.printf("  %-11s %-12s %s (%s.key, %s.crt, ca.crt, crl.pem)%n", member.role().label(), member.name(),
            folder, file, file);
      }
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
