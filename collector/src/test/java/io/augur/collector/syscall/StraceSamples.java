package io.augur.collector.syscall;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The real strace output under {@code src/test/resources/strace} (see its README). */
final class StraceSamples {
    private StraceSamples() {}

    static byte[] bytes(String name) {
        try (InputStream in = StraceSamples.class.getResourceAsStream("/strace/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(String name) {
        return new String(bytes(name), StandardCharsets.ISO_8859_1).lines().toList();
    }
}
