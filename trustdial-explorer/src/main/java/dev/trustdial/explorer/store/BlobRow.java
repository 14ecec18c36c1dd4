package dev.trustdial.explorer.store;

import java.util.Optional;

/** A DA blob a job referenced onchain: its input, a checkpoint (at {@code step}) or its output. */
public record BlobRow(
    String blobKey, String kind, long jobId, long block, long time, Optional<Long> step) {}
