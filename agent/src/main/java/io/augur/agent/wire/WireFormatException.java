package io.augur.agent.wire;

import java.io.IOException;

/**
 * A frame that breaks the protocol: unknown type, oversize or negative length, fields that do not
 * fit the announced length, bad magic or version, indices out of range. The stream cannot be
 * resynchronised after one; the reader's owner closes the connection.
 */
public final class WireFormatException extends IOException {
    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
