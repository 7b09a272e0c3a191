package io.sgnflow.jobs.retrain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the retraining job decided for one closed window, as written to the decisions topic: a new
 * version was published, or why none was. The model-updates topic only carries the published
 * models, so without this record a consumer cannot tell a rejected window from one that is still
 * training.
 *
 * <p>{@code decision} is {@code PUBLISHED} or a {@link RejectReason} name; the nats-per-dimension
 * figures are null where no candidate was scored (for example too few events); {@code
 * publishedVersion} is null unless published.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record RetrainDecision(
        long windowStart,
        long windowEnd,
        String decision,
        String message,
        long windowEvents,
        int sampled,
        int used,
        int flaggedLeftOut,
        Double candidateNatsPerDim,
        Double currentNatsPerDim,
        Long currentVersion,
        Long publishedVersion,
        double trainingSeconds,
        String scoreKind) {

    public static final String PUBLISHED = "PUBLISHED";

    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean published() {
        return PUBLISHED.equals(decision);
    }

    static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("retrain decision not serialisable: " + this, e);
        }
    }

    /**
     * @throws IllegalArgumentException naming the record when it is not a decision
     */
    public static RetrainDecision fromJson(byte[] bytes) {
        try {
            return JSON.readValue(bytes, RetrainDecision.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "not a retrain decision: '" + new String(bytes, StandardCharsets.UTF_8) + "'",
                    e);
        }
    }
}
