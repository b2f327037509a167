package io.augur.deploy.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hostile workload: what ransomware does to a disk. It writes a set of files ({@code mebibytes} in
 * {@code files} files, forced to disk), then encrypts them in place, pass after pass: read a 1 MiB
 * block, AES-CTR encrypt it, write it back over itself, and force each file to disk when it is
 * done. Reads and writes use direct I/O, so they reach the disk (as when the victim's files are not
 * in the page cache). At most {@code mebibytesPerSecond} are transformed a second (the machine is
 * shared); the files (at most {@link #MAX_MEBIBYTES}) are deleted on exit.
 *
 * <p>Usage: {@code DiskEncryptLike [mebibytes=64] [files=16] [mebibytesPerSecond=32]}. Stops on
 * SIGTERM.
 */
public final class DiskEncryptLike {
    public static final int MAX_MEBIBYTES = 1024;

    static final String USAGE =
            "usage: DiskEncryptLike [mebibytes=64 (1.."
                    + MAX_MEBIBYTES
                    + ")] [files=16 (1..1024)] [mebibytesPerSecond=32 (1..1024)]";

    private DiskEncryptLike() {}

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        WorkloadArgs a = new WorkloadArgs(USAGE, args);
        long mebibytes = a.number(0, 64, 1, MAX_MEBIBYTES, "mebibytes");
        int fileCount = (int) a.number(1, 16, 1, 1024, "files");
        long rate = a.number(2, 32, 1, 1024, "mebibytesPerSecond");

        Path dir = DiskFiles.tempDir("augur-rmw");
        Stopper stopper = Stopper.install(() -> DiskFiles.deleteTree(dir));
        try {
            long bytesEach = Math.max(DiskFiles.BLOCK, mebibytes * DiskFiles.BLOCK / fileCount);
            List<Path> files = DiskFiles.generate(dir, "victim", fileCount, bytesEach, 11, stopper);
            System.out.println(
                    "wrote "
                            + files.size()
                            + " files in "
                            + dir
                            + "; encrypting in place at "
                            + rate
                            + " MiB/s");
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
            ByteBuffer plain = DiskFiles.alignedBuffer(dir, DiskFiles.BLOCK);
            ByteBuffer sealed = DiskFiles.alignedBuffer(dir, DiskFiles.BLOCK);
            Pace pace = new Pace(rate);
            long pass = 0;
            while (stopper.running()) {
                pass++;
                for (int f = 0; f < files.size() && stopper.running(); f++) {
                    try (FileChannel ch = DiskFiles.open(files.get(f), true, false)) {
                        long pos = 0;
                        int n;
                        while (stopper.running() && (n = DiskFiles.readAt(ch, plain, pos)) > 0) {
                            byte[] iv = new byte[16];
                            iv[0] = (byte) pass;
                            iv[1] = (byte) f;
                            iv[8] = (byte) (pos >>> 20);
                            aes.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
                            sealed.clear();
                            aes.doFinal(plain, sealed);
                            sealed.flip();
                            DiskFiles.writeFully(ch, sealed, pos);
                            pos += n;
                            if (!pace.spent(n / (double) DiskFiles.BLOCK, stopper)) {
                                break;
                            }
                        }
                        ch.force(true);
                    }
                }
                System.out.println("pass " + pass + " done");
            }
        } catch (IOException e) {
            if (stopper.running()) {
                throw e;
            }
        } finally {
            stopper.left();
        }
    }
}
