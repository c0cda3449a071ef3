package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fedstats.client.cli.FedstatsCli;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.ListNodesRequest;
import org.fedstats.proto.v1.ListNodesResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator that cannot be reached, or is not one, is named with the likely cause in one sentence. */
class ConnectionErrorsTest {
  private static FedstatsException failure(String address) {
    try (FederationClient client = FederationClient.connect(address, "tester", Duration.ofSeconds(20))) {
      client.nodes();
    }
    throw new AssertionError("no failure");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void nothingListening() throws IOException {
    String address = "127.0.0.1:" + freePort();
    assertThatThrownBy(() -> failure(address)).isInstanceOf(FedstatsException.class)
        .hasMessage("cannot reach the coordinator at " + address + ": nothing is listening there (connection "
            + "refused); check the address (--coordinator) and that the coordinator is running")
        .extracting(e -> ((FedstatsException) e).code()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void unknownHost() {
    assertThatThrownBy(() -> failure("nosuchhost.invalid:7050"))
        .hasMessage("unknown host 'nosuchhost.invalid': cannot find the coordinator at nosuchhost.invalid:7050; "
            + "check the address (--coordinator)");
  }

  @Test
  void aServerThatIsNotACoordinator() throws Exception {
    // A node's port: a gRPC server with the node's health service but no FederationService.
    Server other = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new HealthStatusManager().getHealthService()).build().start();
    try {
      String address = "127.0.0.1:" + other.getPort();
      assertThatThrownBy(() -> failure(address)).hasMessage(address + " is not a fedstats coordinator (it does not "
          + "offer FederationService; is it a node's port?)");
    } finally {
      other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWebServer() throws Exception {
    HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.start();
    try {
      String address = "127.0.0.1:" + web.getAddress().getPort();
      assertThatThrownBy(() -> failure(address)).hasMessage(address + " is not a fedstats coordinator (it does not "
          + "speak gRPC; is it a web server?); check the address (--coordinator)");
    } finally {
      web.stop(0);
    }
  }

  @Test
  void aCoordinatorThatDoesNotAnswerInTime() throws Exception {
    Server silent = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new FederationServiceGrpc.FederationServiceImplBase() {
          @Override
          public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> response) {
            // never answers
          }
        }).build().start();
    try (FederationClient client = FederationClient.connect("127.0.0.1:" + silent.getPort(), "tester",
        Duration.ofMillis(500))) {
      assertThatThrownBy(client::nodes).hasMessage("the coordinator at 127.0.0.1:" + silent.getPort()
          + " did not answer within 0.5 s; it may be overloaded or waiting for slow nodes (see --timeout)");
    } finally {
      silent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void addressesThatAreNotHostAndPort() {
    assertThatThrownBy(() -> FederationClient.connect("http://127.0.0.1:7050"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("give the coordinator as host:port, e.g. 127.0.0.1:7050, without http://");
    assertThatThrownBy(() -> FederationClient.connect("127.0.0.1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be host:port").hasMessageContaining("'127.0.0.1'");
    assertThatThrownBy(() -> FederationClient.connect("127.0.0.1:0")).hasMessageContaining("not 0");
    assertThatThrownBy(() -> FederationClient.connect(" ")).hasMessageStartingWith("no coordinator address");
    assertThat(FederationClient.parseAddress("[::1]:7050").host()).isEqualTo("::1");
  }

  /** The command line as a user runs it: one line on stderr, nothing on stdout, exit status 1. */
  @Test
  void theCommandLineSaysItInOneLine(@TempDir Path tmp) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED"));
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), FedstatsCli.class.getName(),
        "--coordinator", "nosuchhost.invalid:7050", "nodes"));
    Process p = new ProcessBuilder(command).redirectOutput(tmp.resolve("out").toFile())
        .redirectError(tmp.resolve("err").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(Files.readString(tmp.resolve("out"))).isEmpty();
    assertThat(Files.readString(tmp.resolve("err"))).isEqualTo(
        "fedstats: unknown host 'nosuchhost.invalid': cannot find the coordinator at nosuchhost.invalid:7050; "
            + "check the address (--coordinator)" + System.lineSeparator());
  }
}
