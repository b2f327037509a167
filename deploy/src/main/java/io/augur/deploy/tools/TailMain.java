package io.augur.deploy.tools;

import io.augur.launch.CommandLine;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;

/**
 * {@code ./augur tail}: prints an Augur topic as JSON lines (see {@link TailOptions#USAGE}). Exit
 * codes: 0 done, 1 Kafka or the topic unavailable, 2 bad arguments or an unknown topic.
 */
public final class TailMain {
    private TailMain() {}

    public static void main(String[] args) throws InterruptedException {
        TailOptions options =
                CommandLine.parseOrExit("augur tail", TailOptions.USAGE, TailOptions::parse, args);
        // Buffered and flushed per line (checkError flushes): fast when piped, live when followed.
        PrintStream out =
                new PrintStream(
                        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)),
                        false,
                        StandardCharsets.UTF_8);
        CountDownLatch finished = new CountDownLatch(1);
        int status;
        try (TopicTail tail = new TopicTail(options)) {
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        tail.wakeup();
                                        awaitQuietly(finished);
                                    },
                                    "tail-shutdown"));
            tail.run(
                    line -> {
                        out.println(line);
                        return !out.checkError();
                    });
            status = 0;
        } catch (IllegalStateException e) {
            System.err.println("augur tail: " + e.getMessage());
            status = 1;
        } catch (KafkaException e) {
            System.err.println(
                    "augur tail: cannot read "
                            + options.topic().name()
                            + " from "
                            + options.bootstrap()
                            + ": "
                            + e.getMessage());
            status = 1;
        } finally {
            out.flush();
            finished.countDown();
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    private static void awaitQuietly(CountDownLatch finished) {
        try {
            // Bounded: the JVM is exiting; a stuck consumer close must not hang Ctrl-C.
            finished.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
