package org.fedstats.coordinator.federation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.fedstats.common.io.AtomicFiles;
import org.fedstats.proto.v1.PendingRequest;

/**
 * Research requests whose sites held answers for their data stewards' review, kept until the researcher fetches
 * them: the original request, who asked, and every site's outcome so far (answers already given are not asked
 * again). One file per request in a folder of the coordinator's state ({@code <request-id>.pending}), replaced
 * atomically ({@link AtomicFiles#replace}), so a crash leaves the old or the new file, never half of one. Without a folder (a coordinator made in code without an audit log), they are kept in memory.
 */
public final class PendingResults {
  private static final Pattern REQUEST_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String SUFFIX = ".pending";

  private final Path folder;
  private final Map<String, PendingRequest> memory = new ConcurrentHashMap<>();

  private PendingResults(Path folder) {
    this.folder = folder;
  }

  /** Pending requests kept in {@code folder} (made when first written). */
  public static PendingResults in(Path folder) {
    return new PendingResults(folder);
  }

  /** Pending requests kept in memory only: lost when the coordinator stops. */
  public static PendingResults inMemory() {
    return new PendingResults(null);
  }

  /** Whether {@code requestId} has the form of the coordinator's request ids (a UUID). */
  public static boolean isRequestId(String requestId) {
    return requestId != null && REQUEST_ID.matcher(requestId).matches();
  }

  /** Stores (or replaces) a pending request durably; throws if it cannot be written. */
  public void save(PendingRequest request) {
    if (!isRequestId(request.getRequestId())) {
      throw new IllegalArgumentException("not a request id: " + request.getRequestId());
    }
    if (folder == null) {
      memory.put(request.getRequestId(), request);
      return;
    }
    Path target = folder.resolve(request.getRequestId() + SUFFIX);
    try {
      AtomicFiles.replace(target, request.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  /** The pending request {@code requestId}, if one is kept. */
  public Optional<PendingRequest> load(String requestId) {
    if (!isRequestId(requestId)) {
      return Optional.empty();
    }
    if (folder == null) {
      return Optional.ofNullable(memory.get(requestId));
    }
    return AtomicFiles.read(folder.resolve(requestId + SUFFIX), PendingRequest.parser());
  }
}
