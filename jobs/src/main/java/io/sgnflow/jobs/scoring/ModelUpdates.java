package io.sgnflow.jobs.scoring;

import io.sgnflow.model.DensityModel;
import io.sgnflow.model.io.ModelFile;

/**
 * Decides whether a model file that arrives on the model-updates topic may replace the serving
 * model. Stateless and thread-safe.
 */
public final class ModelUpdates {
    private ModelUpdates() {}

    /**
     * Parses and checks an update against the serving model (null before the first one).
     *
     * @return the new model
     * @throws ModelRejectedException with the reason: not a valid model file (format, checksum,
     *     truncation, non-finite or unstable parameters), another dimension or other feature names
     *     than the serving model, or a version that is not newer. A model of the other kind (an
     *     SGN-VAE replacing an SGN-Flow, or back) is accepted: it brings its own threshold, in its
     *     own score kind, and every output names the kind.
     */
    public static DensityModel accept(byte[] bytes, DensityModel current) {
        if (bytes == null || bytes.length == 0) {
            throw new ModelRejectedException("empty model update");
        }
        DensityModel candidate;
        try {
            candidate = ModelFile.load(bytes);
        } catch (IllegalArgumentException e) {
            throw new ModelRejectedException(e.getMessage());
        }
        if (current != null) {
            if (candidate.dim() != current.dim()) {
                throw new ModelRejectedException(
                        "dimension mismatch: update has "
                                + candidate.dim()
                                + " features, serving model "
                                + current.dim());
            }
            if (!candidate.featureNames().equals(current.featureNames())) {
                throw new ModelRejectedException(
                        "feature names differ from the serving model's: update "
                                + abbreviate(candidate.featureNames().toString())
                                + ", serving "
                                + abbreviate(current.featureNames().toString()));
            }
            if (candidate.version() <= current.version()) {
                throw new ModelRejectedException(
                        "version "
                                + candidate.version()
                                + " is not newer than the serving version "
                                + current.version());
            }
        }
        return candidate;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /** A model update that was refused; the message is the reason. */
    public static final class ModelRejectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ModelRejectedException(String reason) {
            super(reason);
        }
    }
}
