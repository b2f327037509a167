package io.augur.deploy.record;

import io.augur.launch.CommandLine;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./augur record}: records labelled telemetry of the scenario catalogue (see {@link
 * RecordOptions#USAGE}). Exit codes: 0 every run lasted its duration, 1 a workload ended early or
 * the recording failed, 2 bad arguments, 130 interrupted (Ctrl-C).
 */
public final class RecordMain {
    /** How long Ctrl-C waits for the recording's own clean-up before closing it itself. */
    static final long CLOSE_WAIT_S = 180;

    private RecordMain() {}

    public static void main(String[] args) {
        RecordOptions options =
                CommandLine.parseOrExit(
                        "augur record", RecordOptions.USAGE, RecordOptions::parse, args);
        Long uid = HostFacts.effectiveUid();
        if (uid != null && uid != 0) {
            System.err.println(
                    "augur record: needs root: it creates cgroups under /sys/fs/cgroup (run it"
                            + " with sudo)");
            System.exit(1);
        }
        Recorder recorder = new Recorder(options, System.out, Clock.systemUTC());
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    recorder.requestStop();
                                    try {
                                        // The main thread's clean-up may take a launch's
                                        // timeout, the stop grace and the launchers' own
                                        // clean-up: give it that before closing from here.
                                        if (!finished.await(CLOSE_WAIT_S, TimeUnit.SECONDS)) {
                                            recorder.close();
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                },
                                "record-shutdown"));
        int status;
        try {
            Recorder.Result result = recorder.run();
            System.out.printf(
                    "%s: %d rows from %d run(s) in %s; manifest %s%n",
                    switch (result.status()) {
                        case COMPLETE -> "recorded";
                        case INTERRUPTED -> "interrupted";
                        case FAILED -> "failed";
                    },
                    result.rows(),
                    result.runs(),
                    result.csv().toAbsolutePath(),
                    result.manifest().toAbsolutePath());
            if (result.status() == Recorder.Status.INTERRUPTED) {
                status = 130;
            } else if (!result.endedEarly().isEmpty()) {
                System.err.println(
                        "augur record: "
                                + result.endedEarly().size()
                                + " run(s) ended before their duration: "
                                + result.endedEarly()
                                + " (see manifest.json and logs/)");
                status = 1;
            } else {
                status = 0;
            }
        } catch (RecordException e) {
            System.err.println("augur record: " + e.getMessage());
            status = 1;
        } finally {
            recorder.close();
            System.out.flush();
            finished.countDown();
        }
        if (status != 130) {
            // On Ctrl-C the JVM is already exiting (130); exit() would wait for the hook.
            System.exit(status);
        }
    }
}
