package org.fedstats.coordinator.federation;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** The one response of a unary call, or its error, as a future. */
public final class UnaryAnswer {
  private UnaryAnswer() {}

  /**
   * An observer of a unary call that completes {@code future} with its response or its error; a call that ends
   * without either completes it with INTERNAL.
   */
  public static <T> StreamObserver<T> completing(CompletableFuture<T> future) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        future.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        future.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        future.completeExceptionally(Status.INTERNAL.withDescription("the call ended without a response")
            .asRuntimeException());
      }
    };
  }
}
