package io.augur.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterMainTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                ClusterMain.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpTellsEveryCommand() {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("cluster up", "cluster down", "submit", "upgrade", "savepoint");
        assertThat(run("submit", "--help").code()).isZero();
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy() {
        assertThat(run("up", "--slots", "many"))
                .satisfies(
                        r -> {
                            assertThat(r.code()).isEqualTo(2);
                            assertThat(r.err()).contains("--slots must be a whole number");
                        });
        assertThat(run("up", "--state-backend", "memory").err()).contains("hashmap or rocksdb");
        assertThat(run("down", "--slots", "2").err()).contains("unknown option '--slots' for down");
        assertThat(run("submit", "--jobmanager", "127.0.0.1:1").err())
                .contains("give the job's arguments after --");
        assertThat(run("status", "--jobmanager", "no-port").err()).contains("HOST:PORT");
        assertThat(run("launch").code()).isEqualTo(2);
    }

    @Test
    void aClusterThatIsNotThereIsAFailureNotAUsageError() {
        Run submit =
                run(
                        "submit",
                        "--dir",
                        "/nonexistent-augur",
                        "--jobmanager",
                        "127.0.0.1:1",
                        "--jar",
                        "/etc/hostname",
                        "--",
                        "--bootstrap",
                        "x:1");
        assertThat(submit.code()).isEqualTo(1);
        assertThat(submit.err()).contains("no Flink JobManager answers at http://127.0.0.1:1");
    }

    @Test
    void theModelDirectoryIsMadeAbsoluteUnlessGiven() {
        assertThat(ClusterMain.withModelDir(List.of("--bootstrap", "k:9092")))
                .containsSubsequence(
                        "--model-dir", ClusterMain.home().resolve("models/forecaster").toString());
        assertThat(ClusterMain.withModelDir(List.of("--model-dir", "/m")))
                .containsExactly("--model-dir", "/m");
    }

    @Test
    void theClusterIsToldWhatItNeeds() {
        ClusterSpec spec =
                new ClusterSpec(Path.of("/tmp/c"), 8081, 6123, 2, "rocksdb", "1600m", "9404-9405");
        assertThat(spec.flinkConfiguration())
                .containsEntry("rest.port", "8081")
                .containsEntry("taskmanager.numberOfTaskSlots", "2")
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.savepoint-dir", "file:///tmp/c/savepoints")
                .containsEntry("cluster.intercept-user-system-exit", "THROW")
                .containsEntry("classloader.parent-first-patterns.additional", "ai.djl.");
        assertThat(spec.configYaml()).contains("rest.port: '8081'\n");
        assertThatThrownBy(() -> new ClusterSpec(Path.of("/tmp/c"), 1, 2, 0, "hashmap", "1g", "1"))
                .hasMessageContaining("--slots must be at least 1");
        assertThatThrownBy(
                        () -> new ClusterSpec(Path.of("/tmp/c"), 1, 2, 1, "hashmap", "lots", "1"))
                .hasMessageContaining("--taskmanager-memory");
    }
}
