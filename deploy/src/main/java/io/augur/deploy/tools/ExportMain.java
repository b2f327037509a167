package io.augur.deploy.tools;

import io.augur.launch.CommandLine;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import org.apache.kafka.common.KafkaException;

/**
 * {@code ./augur export}: Kafka records to files for notebooks and retraining (see {@link
 * ExportOptions#USAGE}). Exit codes: 0 exported, 1 Kafka unavailable / unknown topic / unwritable
 * directory, 2 bad arguments.
 */
public final class ExportMain {
    private ExportMain() {}

    public static void main(String[] args) {
        Instant now = Instant.now();
        ExportOptions options =
                CommandLine.parseOrExit(
                        "augur export",
                        ExportOptions.USAGE,
                        a -> ExportOptions.parse(a, now),
                        args);
        System.exit(run(options, System.out, System.err));
    }

    static int run(ExportOptions options, PrintStream out, PrintStream err) {
        try {
            if (options.verdicts()) {
                VerdictExport.Result r = VerdictExport.run(options, err);
                out.printf(
                        "%s: %d rows from %d judged sequence windows (%d without invocations, %d"
                                + " undecodable records skipped)%n",
                        r.file(), r.rows(), r.verdicts(), r.withoutInvocations(), r.undecodable());
            } else {
                TopicExport.Result r = TopicExport.run(options, options.topic().orElseThrow(), err);
                out.printf(
                        "%s: %d records (%d undecodable skipped)%n",
                        r.file(), r.records(), r.undecodable());
            }
            return 0;
        } catch (IllegalStateException | KafkaException e) {
            err.println(
                    "augur export: cannot read from "
                            + options.bootstrap()
                            + ": "
                            + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("augur export: cannot write to " + options.out() + ": " + e);
            return 1;
        }
    }
}
