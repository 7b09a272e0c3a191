package io.sgnflow.model.io;

/** A model file (or model update) whose content is not a valid model; the message says why. */
public final class InvalidModelFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidModelFileException(String message) {
        super(message);
    }
}
