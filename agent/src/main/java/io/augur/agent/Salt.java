package io.augur.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** The digest salt: the node's shared salt file when usable, else random for this JVM only. */
final class Salt {
    static final int MIN_BYTES = 16;
    static final int MAX_BYTES = 4096;

    private Salt() {}

    /**
     * The file's bytes, as they are, when it is readable and holds {@value #MIN_BYTES} to {@value
     * #MAX_BYTES} bytes; otherwise 32 random bytes, so digests are comparable within this JVM only.
     */
    static byte[] load(Path file, SecureRandom random) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) <= MAX_BYTES) {
                byte[] salt = Files.readAllBytes(file);
                if (salt.length >= MIN_BYTES) {
                    return salt;
                }
            }
        } catch (IOException | SecurityException e) {
            // Unreadable: fall through to the documented per-JVM salt.
        }
        byte[] salt = new byte[32];
        random.nextBytes(salt);
        return salt;
    }
}
