package io.augur.deploy.workload.shop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs a shell command and returns its output (read-only commands only: {@code id}, {@code uname}).
 */
public final class ShellRunner {
    public String run(String command) {
        try {
            Process p =
                    new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(16 * 1024);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
