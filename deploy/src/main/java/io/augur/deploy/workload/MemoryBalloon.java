package io.augur.deploy.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Hostile workload: memory that grows without bound, at a steady rate (by default 16 MiB a second),
 * every page touched so it is really resident.
 *
 * <p>Usage: {@code MemoryBalloon [mebibytesPerSecond]}
 */
public final class MemoryBalloon {
    private MemoryBalloon() {}

    public static void main(String[] args) throws InterruptedException {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        List<byte[]> held = new ArrayList<>();
        while (true) {
            // Four chunks a second keeps the growth smooth in 1 s samples.
            for (int i = 0; i < 4; i++) {
                byte[] chunk = new byte[rate * 1024 * 1024 / 4];
                for (int p = 0; p < chunk.length; p += 4096) {
                    chunk[p] = 1;
                }
                held.add(chunk);
                Thread.sleep(250);
            }
        }
    }
}
