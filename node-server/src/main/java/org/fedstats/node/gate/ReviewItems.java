package org.fedstats.node.gate;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fedstats.node.disclosure.Finding;
import org.fedstats.node.overlap.ReleasedSets;
import org.fedstats.node.store.DataVersion;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.ReviewEvidence;
import org.fedstats.proto.v1.ReviewItem;
import org.roaringbitmap.RoaringBitmap;

/** A held answer as the release queue stores it, and its record sets read back for the overlap check at release. */
final class ReviewItems {
  private ReviewItems() {}

  static ReviewItem item(String ticket, NodeAnalysisRequest request, String peer, String analysis, String described,
      NodeAnalysisResponse answer, NodeOutcome.Held held) {
    ReviewItem.Builder b = ReviewItem.newBuilder().setTicket(ticket).setRequester(request.getRequester())
        .setRequestId(request.getRequestId()).setPeer(peer == null ? "" : peer).setDataset(request.getDataset())
        .setAnalysis(analysis).setRequest(described).setCreatedEpochMs(System.currentTimeMillis())
        .setResponse(answer);
    for (Finding f : held.evidence()) {
      b.addEvidence(ReviewEvidence.newBuilder().setRule(f.rule()).setReason(f.reason()).setValues(f.values()));
    }
    held.answer().sets().ifPresent(sets -> {
      b.setDataVersion(sets.version().digest()).setDataRows(sets.version().rows());
      for (RoaringBitmap set : sets.sets()) {
        ByteBuffer bytes = ByteBuffer.allocate(set.serializedSizeInBytes());
        set.serialize(bytes);
        b.addRecordSets(ByteString.copyFrom(bytes.array()));
      }
    });
    return b.build();
  }

  /** The record sets a held answer releases; empty when its dataset's overlap audit was off. */
  static Optional<ReleasedSets> sets(ReviewItem item) {
    if (item.getDataVersion().isEmpty()) {
      return Optional.empty();
    }
    List<RoaringBitmap> sets = new ArrayList<>();
    for (ByteString bytes : item.getRecordSetsList()) {
      RoaringBitmap set = new RoaringBitmap();
      try {
        set.deserialize(bytes.asReadOnlyByteBuffer());
      } catch (IOException e) {
        throw new UncheckedIOException("the record sets of review ticket " + item.getTicket() + " are damaged", e);
      }
      sets.add(set);
    }
    return Optional.of(new ReleasedSets(item.getDataset(), new DataVersion(item.getDataVersion(),
        item.getDataRows()), sets));
  }
}
