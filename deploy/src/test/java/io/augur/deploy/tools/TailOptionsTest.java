package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.UsageException;
import io.augur.schema.Topics;
import org.junit.jupiter.api.Test;

class TailOptionsTest {

    @Test
    void parsesTopicAndFlagsInAnyOrder() throws UsageException {
        TailOptions o =
                TailOptions.parse(
                        new String[] {
                            "augur.acks", "--max", "5", "--bootstrap", "h:9092", "--from-beginning"
                        });
        assertThat(o.bootstrap()).isEqualTo("h:9092");
        assertThat(o.topic()).isEqualTo(Topics.ACKS);
        assertThat(o.fromBeginning()).isTrue();
        assertThat(o.follow()).isFalse();
        assertThat(o.max()).hasValue(5);

        TailOptions follow =
                TailOptions.parse(new String[] {"--bootstrap", "h:1", "--follow", "augur.dlq"});
        assertThat(follow.follow()).isTrue();
        assertThat(follow.fromBeginning()).isFalse();
        assertThat(follow.max()).isEmpty();
    }

    @Test
    void anUnknownTopicListsTheKnownOnes() {
        assertThatThrownBy(
                        () ->
                                TailOptions.parse(
                                        new String[] {
                                            "--bootstrap", "h:1", "--from-beginning", "augur.nope"
                                        }))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isFalse())
                .hasMessageContaining("unknown topic augur.nope")
                .hasMessageContaining("augur.tasks")
                .hasMessageContaining("augur.dlq");
    }

    @Test
    void rejectsWhatCannotWork() {
        assertBad("--bootstrap HOST:PORT is required", "augur.acks", "--from-beginning");
        assertBad("which topic", "--bootstrap", "h:1", "--follow");
        assertBad("nothing to read", "--bootstrap", "h:1", "augur.acks");
        assertBad("positive number", "--bootstrap", "h:1", "--follow", "augur.acks", "--max", "0");
        assertBad("positive number", "--bootstrap", "h:1", "--follow", "augur.acks", "--max", "x");
        assertBad("needs a value", "--follow", "augur.acks", "--bootstrap");
        assertBad("one topic only", "--bootstrap", "h:1", "--follow", "augur.acks", "augur.dlq");
        assertBad("unknown argument: --tail", "--bootstrap", "h:1", "--tail", "augur.acks");
    }

    @Test
    void helpIsNotAnError() {
        assertThatThrownBy(() -> TailOptions.parse(new String[] {"augur.acks", "--help"}))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isTrue());
        assertThat(TailOptions.USAGE).contains("augur.telemetry.resources");
    }

    private static void assertBad(String message, String... args) {
        assertThatThrownBy(() -> TailOptions.parse(args))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isFalse())
                .hasMessageContaining(message);
    }
}
