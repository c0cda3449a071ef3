package org.fedstats.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fedstats.common.Contract;
import org.fedstats.common.HostPort;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.client.analysis.Unit;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.FederatedDataset;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.FetchResultRequest;
import org.fedstats.proto.v1.ListDatasetsRequest;
import org.fedstats.proto.v1.ListNodesRequest;
import org.fedstats.proto.v1.NodeStatus;
import org.fedstats.proto.v1.RoundProgress;

/**
 * A researcher's connection to a federation's coordinator.
 * <pre>{@code
 * try (FederationClient client = FederationClient.connect("127.0.0.1:7050")) {
 *   Result<Summary> age = client.dataset("colon").where(Filters.eq("sex", 0)).summary("age");
 *   age.pooled().ifPresent(s -> System.out.println(s.mean()));
 * }
 * }</pre>
 */
public final class FederationClient implements AutoCloseable {
  private static final Metadata.Key<String> USER = org.fedstats.common.Contract.USER_HEADER;

  private final ManagedChannel owned;
  private final FederationServiceGrpc.FederationServiceBlockingStub stub;
  private final Duration timeout;
  private final String address;
  private final String host;
  private final Channel channel;
  private final String user;
  private final Supplier<String> token;
  private final String project;
  private final boolean plaintext;

  private FederationClient(ManagedChannel owned, Channel channel, String address, String host, String user,
      Duration timeout) {
    this(owned, channel, address, host, user, timeout, false);
  }

  private FederationClient(ManagedChannel owned, Channel channel, String address, String host, String user,
      Duration timeout, boolean plaintext) {
    this(owned, channel, address, host, user, timeout, null, "", plaintext);
  }

  private FederationClient(ManagedChannel owned, Channel channel, String address, String host, String user,
      Duration timeout, Supplier<String> token, String project, boolean plaintext) {
    this.plaintext = plaintext;
    this.owned = owned;
    this.channel = channel;
    this.user = user;
    this.token = token;
    this.project = project;
    String printable = user.replaceAll("[^\\x20-\\x7e]", "?");
    Channel intercepted = ClientInterceptors.intercept(channel, header(USER, () -> printable));
    this.stub = FederationServiceGrpc.newBlockingStub(token == null ? intercepted
        : ClientInterceptors.intercept(intercepted, header(Contract.AUTHORIZATION_HEADER,
            () -> "Bearer " + token.get().strip())));
    this.address = address;
    this.host = host;
    this.timeout = timeout;
  }

  /**
   * This client sending {@code token} (an OpenID Connect access or ID token from the federation's identity
   * provider, asked for at each call, so a supplier may refresh it) as {@code authorization: Bearer <token>}; the
   * coordinator then knows the researcher by the token. The returned client shares this one's connection: close
   * one of them.
   */
  public FederationClient withToken(Supplier<String> token) {
    return new FederationClient(owned, channel, address, host, user, timeout, Objects.requireNonNull(token, "token"),
        project, plaintext);
  }

  /**
   * This client asking for {@code project} (an approved study's id, checked by each node against its approvals)
   * unless a query says otherwise ({@link Query#forProject}). The returned client shares this one's connection.
   */
  public FederationClient withProject(String project) {
    return new FederationClient(owned, channel, address, host, user, timeout, token,
        Objects.requireNonNull(project, "project"), plaintext);
  }

  /** The project queries of this client are made for; empty for none. */
  public String project() {
    return project;
  }

  /** Connects over plaintext gRPC to a coordinator at host:port, as the current OS user. */
  public static FederationClient connect(String address) {
    return connect(address, System.getProperty("user.name", "anonymous"), Duration.ofSeconds(60));
  }

  /**
   * Connects over plaintext gRPC to a coordinator at host:port; {@code user} is the name the nodes' audit logs
   * record, {@code timeout} how long each call waits. Throws {@link IllegalArgumentException} if the address is not
   * host:port.
   */
  public static FederationClient connect(String address, String user, Duration timeout) {
    HostPort target = parseAddress(address);
    ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port()).usePlaintext().build();
    return new FederationClient(channel, channel, target.toString(), target.host(), user, timeout, true);
  }

  /**
   * Connects over mutual TLS to a coordinator at host:port with the researcher's certificate in {@code tls}; the
   * nodes' audit logs record the certificate's name, and the coordinator's certificate must name the host dialled.
   * Throws {@link org.fedstats.pki.PkiException} if the files cannot be read or do not belong together.
   */
  public static FederationClient connect(String address, TlsFiles tls, Duration timeout) {
    HostPort target = parseAddress(address);
    FederationTls setup = FederationTls.load(tls);
    ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port())
        .sslContext(setup.clientContext()).build();
    String user = org.fedstats.pki.tls.PeerIdentity.of(setup.certificate())
        .map(org.fedstats.pki.tls.PeerIdentity::commonName).orElse("anonymous");
    return new FederationClient(channel, channel, target.toString(), target.host(), user, timeout);
  }

  /**
   * Connects over TLS to a coordinator at host:port trusting only the federation CA in {@code caCertificate}, without
   * a certificate of one's own: for researchers who authenticate with a bearer token ({@link #withToken}).
   */
  public static FederationClient connect(String address, java.nio.file.Path caCertificate, String user,
      Duration timeout) {
    HostPort target = parseAddress(address);
    ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port())
        .sslContext(FederationTls.clientContextTrusting(caCertificate)).build();
    return new FederationClient(channel, channel, target.toString(), target.host(), user, timeout);
  }

  /** Uses a channel the caller owns and closes (for example an in-process channel in tests). */
  public static FederationClient over(Channel channel, String user) {
    return new FederationClient(null, channel, channel.authority(), channel.authority(), user,
        Duration.ofSeconds(60));
  }

  /**
   * A coordinator address written host:port ({@code [::1]:7050} for IPv6). The exception's message says what is
   * wrong, e.g. "give the coordinator as host:port, without http://".
   */
  public static HostPort parseAddress(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no coordinator address: give it as host:port, e.g. 127.0.0.1:7050");
    }
    int scheme = text.indexOf("://");
    if (scheme > 0) {
      throw new IllegalArgumentException("give the coordinator as host:port, e.g. 127.0.0.1:7050, without "
          + text.substring(0, scheme + 3).toLowerCase(Locale.ROOT));
    }
    HostPort target = HostPort.parse(text.strip(), "the coordinator address");
    if (target.port() == 0) {
      throw new IllegalArgumentException("the coordinator address needs a port from 1 to 65535, not 0");
    }
    return target;
  }

  public List<NodeStatus> nodes() {
    return call(() -> stub().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList());
  }

  public List<FederatedDataset> datasets() {
    return call(() -> stub().listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList());
  }

  /** Starts a query on a dataset. */
  public Query dataset(String name) {
    return new Query(this, name, null, false, List.of());
  }

  /**
   * The result of a request some of whose sites held their answers for their data stewards' review (a result whose
   * {@link Results.Result#pendingReview} is true), by its request id: pooled once every site has answered, still
   * pending, or refused (rule {@code review-denied}) where a steward denied it. Only the researcher who asked may
   * fetch it. Decoded by the view of the analysis that was asked.
   */
  public Results.Result<?> fetch(String requestId) {
    AnalysisResponse response = call(() -> stub().fetchResult(FetchResultRequest.newBuilder()
        .setRequestId(requestId.strip()).build()));
    return decode(response, Analyses.of(response.getAnalysis()));
  }

  private static <T> Results.Result<T> decode(AnalysisResponse response, Unit<T> unit) {
    return Results.of(response, unit.view());
  }

  AnalysisResponse run(AnalysisRequest request) {
    return call(() -> stub().runAnalysis(request));
  }

  /**
   * Runs {@code request} over the streaming call when there is a listener, handing it each round's progress as it
   * arrives; the stream's last event is the response. A coordinator without the streaming call (UNIMPLEMENTED
   * before any event) is asked over the unary call instead. The timeout bounds the whole stream.
   */
  AnalysisResponse run(AnalysisRequest request, Consumer<RoundProgress> progress) {
    if (progress == null) {
      return run(request);
    }
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      return call(() -> context.wrap(() -> stream(request, progress)).call());
    } finally {
      context.cancel(null); // ends the call if the listener threw or the response came before the stream's end
    }
  }

  private AnalysisResponse stream(AnalysisRequest request, Consumer<RoundProgress> progress) {
    boolean started = false;
    try {
      Iterator<AnalysisEvent> events = stub().runAnalysisStream(request);
      while (events.hasNext()) {
        AnalysisEvent event = events.next();
        started = true;
        switch (event.getEventCase()) {
          case PROGRESS -> progress.accept(event.getProgress());
          case RESPONSE -> {
            return event.getResponse();
          }
          default -> { } // an event of a newer coordinator
        }
      }
    } catch (StatusRuntimeException e) {
      if (!started && e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return stub().runAnalysis(request);
      }
      throw e;
    }
    throw Status.INTERNAL.withDescription("the coordinator's stream of events ended without a response")
        .asRuntimeException();
  }

  private FederationServiceGrpc.FederationServiceBlockingStub stub() {
    return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T call(Callable<T> rpc) {
    try {
      return rpc.call();
    } catch (StatusRuntimeException e) {
      throw FedstatsException.from(e, address, host, timeout, plaintext);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Puts {@code value}'s value, asked for at each call, in header {@code key} of every call. */
  private static ClientInterceptor header(Metadata.Key<String> key, Supplier<String> value) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(key, value.get());
            super.start(listener, headers);
          }
        };
      }
    };
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown();
      try {
        if (!owned.awaitTermination(2, TimeUnit.SECONDS)) {
          owned.shutdownNow();
        }
      } catch (InterruptedException e) {
        owned.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
