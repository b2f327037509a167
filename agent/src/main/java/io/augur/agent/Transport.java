package io.augur.agent;

import java.io.IOException;
import java.io.OutputStream;

/** Where the sender writes frames: a fresh connection per call; closing the stream closes it. */
@FunctionalInterface
public interface Transport {
    OutputStream connect() throws IOException;
}
