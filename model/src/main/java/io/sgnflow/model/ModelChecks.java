package io.sgnflow.model;

import io.sgnflow.model.core.Standardizer;
import java.util.HashSet;
import java.util.List;

/**
 * The checks every model kind makes when it is built or loaded: parts that agree in dimension, the
 * parameter count of the architecture, finite parameters, distinct feature names, a non-negative
 * version. Stateless.
 */
public final class ModelChecks {
    private ModelChecks() {}

    /**
     * @param architecture the architecture, named in messages
     * @throws IllegalArgumentException naming the first problem and its values
     */
    public static void common(
            int dim,
            List<String> featureNames,
            Standardizer standardizer,
            double[] params,
            int expectedParameters,
            Object architecture,
            long version) {
        if (featureNames.size() != dim || standardizer.dim() != dim) {
            throw new IllegalArgumentException(
                    "model dimension "
                            + dim
                            + " disagrees with "
                            + featureNames.size()
                            + " feature names and a standardizer of "
                            + standardizer.dim());
        }
        if (params.length != expectedParameters) {
            throw new IllegalArgumentException(
                    "expected "
                            + expectedParameters
                            + " parameters for "
                            + architecture
                            + ", found "
                            + params.length);
        }
        for (int i = 0; i < params.length; i++) {
            if (!Double.isFinite(params[i])) {
                throw new IllegalArgumentException(
                        "parameter " + i + " is " + params[i] + "; every parameter must be finite");
            }
        }
        if (new HashSet<>(featureNames).size() != featureNames.size()) {
            throw new IllegalArgumentException("feature names must be distinct: " + featureNames);
        }
        if (version < 0) {
            throw new IllegalArgumentException(
                    "model version must not be negative, was " + version);
        }
    }
}
