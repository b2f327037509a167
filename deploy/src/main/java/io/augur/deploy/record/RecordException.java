package io.augur.deploy.record;

/** A recording that cannot start or fails, with a message for the user. */
public final class RecordException extends RuntimeException {
    public RecordException(String message) {
        super(message);
    }

    public RecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
