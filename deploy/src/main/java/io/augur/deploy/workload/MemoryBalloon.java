package io.augur.deploy.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Hostile workload: memory that grows at a steady rate (by default 16 MiB a second), every page
 * touched so it is really resident. Without {@code maxMebibytes} it grows without bound (the demo
 * lets the enforcer stop it); with it, it holds once it reached that much.
 *
 * <p>Usage: {@code MemoryBalloon [mebibytesPerSecond=16] [maxMebibytes=unbounded]}
 */
public final class MemoryBalloon {
    private MemoryBalloon() {}

    public static void main(String[] args) throws InterruptedException {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        long maxBytes = args.length > 1 ? Long.parseLong(args[1]) << 20 : Long.MAX_VALUE;
        int chunkBytes = rate * 1024 * 1024 / 4;
        List<byte[]> held = new ArrayList<>();
        long heldBytes = 0;
        while (true) {
            // Four chunks a second keeps the growth smooth in 1 s samples.
            for (int i = 0; i < 4; i++) {
                if (heldBytes + chunkBytes > maxBytes) {
                    Thread.sleep(250);
                    continue;
                }
                byte[] chunk = new byte[chunkBytes];
                for (int p = 0; p < chunk.length; p += 4096) {
                    chunk[p] = 1;
                }
                held.add(chunk);
                heldBytes += chunkBytes;
                Thread.sleep(250);
            }
        }
    }
}
