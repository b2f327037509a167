package io.augur.deploy.workload;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Benign workload: a batch job in phases, cycle after cycle. <b>read</b>: its input file ({@code
 * inputMebibytes}, written once at start) with direct I/O, so the read reaches the disk as a cold
 * input does; <b>compute</b>: one thread busy for {@code computeMillis} of CPU time over the data;
 * <b>write</b>: an output of half the input's size, forced to disk; <b>sleep</b>: {@code
 * sleepSeconds} until the next batch. Memory stays small (one 1 MiB buffer each way). Files are
 * deleted on exit.
 *
 * <p>Usage: {@code BatchPhases [inputMebibytes=32] [computeMillis=3000] [sleepSeconds=4]}. Stops on
 * SIGTERM.
 */
public final class BatchPhases {
    static final String USAGE =
            "usage: BatchPhases [inputMebibytes=32 (1..512)] [computeMillis=3000 (0..600000)]"
                    + " [sleepSeconds=4 (0..3600)]";

    private static long sink;

    private BatchPhases() {}

    public static void main(String[] args) throws IOException {
        WorkloadArgs a = new WorkloadArgs(USAGE, args);
        long inputMebibytes = a.number(0, 32, 1, 512, "inputMebibytes");
        long computeMillis = a.number(1, 3000, 0, 600_000, "computeMillis");
        long sleepSeconds = a.number(2, 4, 0, 3600, "sleepSeconds");

        Path dir = DiskFiles.tempDir("augur-batch");
        Stopper stopper = Stopper.install(() -> DiskFiles.deleteTree(dir));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            List<Path> input =
                    DiskFiles.generate(
                            dir, "input", 1, inputMebibytes * DiskFiles.BLOCK, 3, stopper);
            Path output = dir.resolve("output.dat");
            ByteBuffer buf = DiskFiles.alignedBuffer(dir, DiskFiles.BLOCK);
            ByteBuffer outBuf = DiskFiles.alignedBuffer(dir, DiskFiles.BLOCK);
            long batch = 0;
            while (stopper.running() && !input.isEmpty()) {
                batch++;
                // read
                long checksum = 0;
                try (FileChannel in = DiskFiles.open(input.get(0), false, false)) {
                    long pos = 0;
                    int n;
                    while (stopper.running() && (n = DiskFiles.readAt(in, buf, pos)) > 0) {
                        pos += n;
                        checksum = checksum * 31 + buf.getLong(0) + buf.getLong(n - Long.BYTES);
                    }
                }
                // compute
                long cpuStart = threads.getCurrentThreadCpuTime();
                long x = checksum | 1;
                while (stopper.running()
                        && threads.getCurrentThreadCpuTime() - cpuStart
                                < computeMillis * 1_000_000) {
                    for (int i = 0; i < 50_000; i++) {
                        x = x * 6364136223846793005L + 1442695040888963407L;
                    }
                }
                sink = x;
                // write
                try (FileChannel out = DiskFiles.open(output, true, true)) {
                    long blocks = Math.max(1, inputMebibytes / 2);
                    for (long b = 0; b < blocks && stopper.running(); b++) {
                        outBuf.clear();
                        while (outBuf.remaining() >= Long.BYTES) {
                            outBuf.putLong(x + b);
                        }
                        outBuf.flip();
                        DiskFiles.writeFully(out, outBuf, b * DiskFiles.BLOCK);
                    }
                    out.force(true);
                }
                System.out.println("batch " + batch + " done");
                // sleep
                if (!stopper.sleep(sleepSeconds * 1000)) {
                    break;
                }
            }
        } catch (IOException e) {
            if (stopper.running()) {
                throw e;
            }
        } finally {
            if (sink == 42) {
                System.out.println(sink); // keeps the compute from being optimised away
            }
            stopper.left();
        }
    }
}
