package io.augur.deploy.tools;

import io.augur.launch.CommandLine;
import org.apache.kafka.common.KafkaException;

/**
 * {@code ./augur explain TASK}: why a task has the limits it has (see {@link
 * ExplainOptions#USAGE}). Exit codes: 0 shown, 1 Kafka unavailable or nothing known of the task, 2
 * bad arguments.
 */
public final class ExplainMain {
    private ExplainMain() {}

    public static void main(String[] args) {
        ExplainOptions options =
                CommandLine.parseOrExit(
                        "augur explain", ExplainOptions.USAGE, ExplainOptions::parse, args);
        TaskHistory history;
        try {
            history = TaskHistory.read(options.bootstrap(), options.taskId());
        } catch (IllegalStateException | KafkaException e) {
            System.err.println(
                    "augur explain: cannot read from "
                            + options.bootstrap()
                            + ": "
                            + e.getMessage());
            System.exit(1);
            return;
        }
        if (history.isEmpty()) {
            System.err.println(
                    "augur explain: nothing on augur.tasks, augur.risk, augur.decisions or"
                            + " augur.acks for task '"
                            + options.taskId()
                            + "' (check the id: ./augur tail ... augur.tasks --from-beginning)");
            System.exit(1);
            return;
        }
        Explanation.lines(options.taskId(), history, options.decisions())
                .forEach(System.out::println);
    }
}
