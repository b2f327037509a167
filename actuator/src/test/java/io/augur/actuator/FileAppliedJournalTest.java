package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.TaskEnforcementState;
import io.augur.schema.TrustLevel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAppliedJournalTest {
    @TempDir Path dir;

    @Test
    void survivesAReopenAndCompactsToTheLatestEntryPerTask() throws Exception {
        AppliedDecision a1 = new AppliedDecision("task-1", 1, 0, 0);
        AppliedDecision a2 = new AppliedDecision("task-1", 2, 0, 1);
        AppliedDecision b1 = new AppliedDecision("task-2", 7, 3, 9);
        try (FileAppliedJournal journal = FileAppliedJournal.open(dir)) {
            journal.applied(a1);
            journal.acked(a1);
            journal.applied(a2);
            journal.applied(b1);
            journal.acked(b1);
        }

        try (FileAppliedJournal reopened = FileAppliedJournal.open(dir)) {
            DecisionLedger ledger = DecisionLedger.restore(reopened.replay());
            assertThat(ledger.lastSequence("task-1")).contains(2L);
            assertThat(ledger.isAcked("task-1")).isFalse();
            assertThat(ledger.isAcked("task-2")).isTrue();
        }
        assertThat(Files.readAllLines(dir.resolve(FileAppliedJournal.FILE_NAME)))
                .containsExactlyInAnyOrder(
                        "A 0 1 2 task-1 ACTIVE - -",
                        "A 3 9 7 task-2 ACTIVE - -",
                        "K 3 9 7 task-2 ACTIVE - -");
    }

    @Test
    void skipsALineTornByACrash() throws Exception {
        try (FileAppliedJournal journal = FileAppliedJournal.open(dir)) {
            journal.applied(new AppliedDecision("task-1", 1, 0, 0));
        }
        Files.writeString(
                dir.resolve(FileAppliedJournal.FILE_NAME),
                "A 0 5 2 tas",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        try (FileAppliedJournal reopened = FileAppliedJournal.open(dir)) {
            assertThat(reopened.replay()).hasSize(1);
            assertThat(DecisionLedger.restore(reopened.replay()).lastSequence("task-1"))
                    .contains(1L);
        }
    }

    @Test
    void keepsTheStateAndTrustLevelAndReadsLinesWrittenBeforeThem() throws Exception {
        Files.writeString(dir.resolve(FileAppliedJournal.FILE_NAME), "A 0 0 1 old-task\n");
        try (FileAppliedJournal journal = FileAppliedJournal.open(dir)) {
            journal.applied(
                    new AppliedDecision(
                            "task-q", 3, 0, 4, TaskEnforcementState.QUARANTINED, TrustLevel.LOW));
            journal.applied(
                    new AppliedDecision(
                            "task-t", 5, 1, 2, TaskEnforcementState.TERMINATED, TrustLevel.LOW));
        }
        try (FileAppliedJournal reopened = FileAppliedJournal.open(dir)) {
            DecisionLedger ledger = DecisionLedger.restore(reopened.replay());
            assertThat(ledger.lastApplied("task-q").orElseThrow().state())
                    .isEqualTo(TaskEnforcementState.QUARANTINED);
            assertThat(ledger.lastApplied("task-q").orElseThrow().trustLevel())
                    .isEqualTo(TrustLevel.LOW);
            assertThat(ledger.lastApplied("task-t").orElseThrow().state())
                    .isEqualTo(TaskEnforcementState.TERMINATED);
            assertThat(ledger.lastApplied("old-task").orElseThrow().state())
                    .isEqualTo(TaskEnforcementState.ACTIVE);
        }
    }

    @Test
    void keepsTheNetworkRestrictionEmptyOrNotAndReadsLinesWrittenBeforeIt() throws Exception {
        Files.writeString(
                dir.resolve(FileAppliedJournal.FILE_NAME),
                "A 0 0 1 old-task ACTIVE LOW\nA 0 1 1 bad-net ACTIVE LOW kafka:9092\n");
        try (FileAppliedJournal journal = FileAppliedJournal.open(dir)) {
            journal.applied(
                    new AppliedDecision(
                            "task-r",
                            3,
                            0,
                            4,
                            TaskEnforcementState.ACTIVE,
                            TrustLevel.LOW,
                            java.util.List.of("127.0.0.0/8", "10.231.0.1/32:9092")));
            journal.applied(
                    new AppliedDecision(
                            "task-e",
                            2,
                            0,
                            5,
                            TaskEnforcementState.ACTIVE,
                            TrustLevel.LOW,
                            java.util.List.of()));
        }
        try (FileAppliedJournal reopened = FileAppliedJournal.open(dir)) {
            DecisionLedger ledger = DecisionLedger.restore(reopened.replay());
            assertThat(ledger.lastApplied("task-r").orElseThrow().networkRestriction())
                    .containsExactly("127.0.0.0/8", "10.231.0.1/32:9092");
            assertThat(ledger.lastApplied("task-e").orElseThrow().networkRestriction()).isEmpty();
            assertThat(ledger.lastApplied("old-task").orElseThrow().networkRestriction()).isNull();
            // A line whose restriction does not parse is malformed, not a crash.
            assertThat(ledger.lastApplied("bad-net")).isEmpty();
        }
    }
}
