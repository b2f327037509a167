package io.augur.actuator.net;

/**
 * A network tool is missing, refused a change or the task's network is not in the state asked for.
 * The message is meant for the operator as it is.
 */
public final class NetworkCommandException extends RuntimeException {
    public NetworkCommandException(String message) {
        super(message);
    }
}
