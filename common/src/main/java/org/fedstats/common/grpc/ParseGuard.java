package org.fedstats.common.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a protobuf gRPC service answer requests it cannot read with {@code INVALID_ARGUMENT} and a message saying
 * why, instead of gRPC's {@code UNKNOWN "Application error processing RPC"}: bytes that are not a valid message,
 * messages nested deeper than {@link #RECURSION_LIMIT}. The service receives the request bytes and parses them
 * itself, inside the call, where a failure can be answered.
 */
public final class ParseGuard {
  /** Deepest message nesting accepted; filters are limited to far less by the services themselves. */
  public static final int RECURSION_LIMIT = 100;

  private ParseGuard() {}

  /** The same service, reading each request's bytes with a clear error for unreadable ones. */
  public static ServerServiceDefinition guard(ServerServiceDefinition service) {
    // The service keeps its schema, so that server reflection still describes it.
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    List<ServerMethodDefinition<byte[], ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<byte[], ?> guarded = guardMethod(method);
      methods.add(guarded);
      descriptor.addMethod(guarded.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<byte[], R> guardMethod(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> original = method.getMethodDescriptor();
    if (!(original.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> prototyped)
        || !(prototyped.getMessagePrototype() instanceof Message prototype)) {
      throw new IllegalArgumentException(original.getFullMethodName() + " does not take protobuf messages");
    }
    MethodDescriptor<byte[], R> raw = withRawRequests(original);
    ServerCallHandler<Q, R> handler = method.getServerCallHandler();
    return ServerMethodDefinition.create(raw, (call, headers) -> {
      ServerCall<Q, R> typed = new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(castCall(call)) {
        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
          return original;
        }
      };
      ServerCall.Listener<Q> delegate = handler.startCall(typed, headers);
      return new ServerCall.Listener<>() {
        private boolean rejected;

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(byte[] bytes) {
          if (rejected) {
            return;
          }
          Q request;
          try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(RECURSION_LIMIT);
            request = (Q) prototype.getParserForType().parseFrom(in);
          } catch (InvalidProtocolBufferException e) {
            rejected = true;
            call.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                + prototype.getDescriptorForType().getFullName() + " message: " + e.getMessage()), new Metadata());
            return;
          }
          delegate.onMessage(request);
        }

        @Override
        public void onHalfClose() {
          if (!rejected) {
            delegate.onHalfClose();
          }
        }

        @Override
        public void onCancel() {
          delegate.onCancel();
        }

        @Override
        public void onComplete() {
          delegate.onComplete();
        }

        @Override
        public void onReady() {
          delegate.onReady();
        }
      };
    });
  }

  @SuppressWarnings("unchecked")
  private static <Q, R> ServerCall<Q, R> castCall(ServerCall<byte[], R> call) {
    // Only the request type differs, and requests flow into the server call's listener, never out of the call.
    return (ServerCall<Q, R>) (ServerCall<?, R>) call;
  }

  /**
   * The same method with its request as bytes: what the guarded service receives, and what a test (or a probe)
   * uses to send bytes that are not a valid message.
   */
  public static <Q, R> MethodDescriptor<byte[], R> withRawRequests(MethodDescriptor<Q, R> method) {
    return method.toBuilder(BYTES, method.getResponseMarshaller()).build();
  }

  /** Messages as their bytes, unparsed. */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("could not read the request").withCause(e).asRuntimeException();
      }
    }
  };
}
