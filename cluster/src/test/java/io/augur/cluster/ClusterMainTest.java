package io.augur.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void theStatefunClusterGetsFlink116sFileWithWhatStatefunRequires() {
        ClusterSpec spec =
                new ClusterSpec(
                        Path.of("/tmp/s"),
                        8091,
                        6133,
                        1,
                        "rocksdb",
                        "1600m",
                        "0",
                        ClusterSpec.Flavor.STATEFUN,
                        500);
        assertThat(spec.flavor().configFile()).isEqualTo("flink-conf.yaml");
        assertThat(spec.flinkConfiguration())
                // StatefulFunctionsConfigValidator refuses the job without all three.
                .containsEntry(
                        "classloader.parent-first-patterns.additional",
                        "org.apache.flink.statefun;org.apache.kafka;com.google.protobuf")
                // Flink 1.16's keys, not 2.2's.
                .containsEntry("state.backend", "rocksdb")
                .containsEntry("state.checkpoints.dir", "file:///tmp/s/checkpoints")
                .containsEntry("execution.checkpointing.interval", "500 ms")
                .containsEntry("execution.checkpointing.mode", "EXACTLY_ONCE")
                .containsEntry(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION")
                // Flink's SecurityManager would break the StateFun job (see ClusterSpec).
                .doesNotContainKey("cluster.intercept-user-system-exit")
                .doesNotContainKey("metrics.reporter.prom.factory.class");
        // The official distribution jar is 107,131,350 bytes.
        assertThat(Long.parseLong(spec.flinkConfiguration().get("rest.server.max-content-length")))
                .isGreaterThan(107_131_350L);
        // 1.16 reads values as they are: quotes would become part of them.
        assertThat(spec.configYaml())
                .contains("rest.port: 8091\n", "execution.checkpointing.interval: 500 ms\n")
                .doesNotContain("'");
        assertThatThrownBy(
                        () ->
                                new ClusterSpec(
                                                Path.of("/tmp/#s"),
                                                1,
                                                2,
                                                1,
                                                "rocksdb",
                                                "1g",
                                                "0",
                                                ClusterSpec.Flavor.STATEFUN,
                                                1000)
                                        .configYaml())
                .hasMessageContaining("flink-conf.yaml cannot hold web.upload.dir");
    }

    @Test
    void theStatefunFlagPicksItsOwnDefaults() throws Exception {
        ClusterMain.Parsed p = ClusterMain.parse(new String[] {"up", "--statefun"});
        ClusterSpec spec = ClusterMain.spec(p);
        assertThat(spec.flavor()).isEqualTo(ClusterSpec.Flavor.STATEFUN);
        assertThat(spec.restPort()).isEqualTo(8091);
        assertThat(spec.dir()).isEqualTo(ClusterMain.home().resolve("target/statefun-cluster"));
        assertThat(spec.stateBackend()).isEqualTo("rocksdb");
        assertThat(spec.checkpointIntervalMs()).isEqualTo(1000);
        // Its Prometheus reporter beside a Flink 2.2 cluster's (9404-9405) on the same machine.
        assertThat(spec.flinkConfiguration())
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9406-9407");
        assertThat(ClusterMain.spec(ClusterMain.parse(new String[] {"up"})).flavor())
                .isEqualTo(ClusterSpec.Flavor.FLINK);
        assertThat(ClusterMain.jobManager(ClusterMain.parse(new String[] {"statefun", "submit"})))
                .isEqualTo("127.0.0.1:8091");
    }

    @Test
    void badStatefunArgumentsExitWithTwoAndSayWhy() {
        assertThat(run("statefun", "submit", "--bootstrap", "k:9092"))
                .satisfies(
                        r -> {
                            assertThat(r.code()).isEqualTo(2);
                            assertThat(r.err())
                                    .contains("needs --bootstrap HOST:PORT and --functions URL");
                        });
        assertThat(
                        run(
                                        "statefun",
                                        "submit",
                                        "--bootstrap",
                                        "k:9092",
                                        "--functions",
                                        "ftp://f/statefun")
                                .err())
                .contains("--functions must be the function server's http(s) URL");
        assertThat(
                        run(
                                        "statefun",
                                        "submit",
                                        "--bootstrap",
                                        "kafka",
                                        "--functions",
                                        "http://f:1/statefun")
                                .err())
                .contains("--bootstrap must be HOST:PORT");
        assertThat(run("up", "--checkpoint-interval-ms", "100").err())
                .contains("--checkpoint-interval-ms is for --statefun");
        assertThat(run("up", "--statefun", "--checkpoint-interval-ms", "5").err())
                .contains("--checkpoint-interval-ms must be at least 10");
        assertThat(run("statefun", "launch").code()).isEqualTo(2);
        assertThat(run("statefun", "submit", "--job", "x").err())
                .contains("unknown option '--job' for statefun submit");
        assertThat(run("statefun", "--help").out()).contains("statefun submit");
    }

    @Test
    void aStatefunClusterThatIsNotThereIsAFailure(@TempDir Path dir) {
        Run submit =
                run(
                        "statefun",
                        "submit",
                        "--dir",
                        dir.toString(),
                        "--jobmanager",
                        "127.0.0.1:1",
                        "--jar",
                        "/etc/hostname",
                        "--bootstrap",
                        "k:9092",
                        "--functions",
                        "http://f:1/statefun");
        assertThat(submit.code()).isEqualTo(1);
        assertThat(submit.err()).contains("no Flink JobManager answers at http://127.0.0.1:1");
    }

    @Test
    void eachUpgradeCommandUpgradesItsOwnJobOnly(@TempDir Path dir) throws Exception {
        Run none = run("statefun", "upgrade", "--dir", dir.toString(), "--jobmanager", "h:1");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("no StateFun submission recorded in " + dir);

        ClusterMain.record(
                dir,
                "j1",
                List.of("--statefun.remote.module-name", "file:///m.yaml"),
                1,
                StatefunSubmission.ENTRY_CLASS);
        Run profiler = run("upgrade", "--dir", dir.toString(), "--jobmanager", "h:1");
        assertThat(profiler.code()).isEqualTo(1);
        assertThat(profiler.err())
                .contains("runs " + StatefunSubmission.ENTRY_CLASS, "./augur statefun upgrade");

        ClusterMain.record(dir, "j2", List.of("--bootstrap", "k:1"), 1);
        Run statefun = run("statefun", "upgrade", "--dir", dir.toString(), "--jobmanager", "h:1");
        assertThat(statefun.code()).isEqualTo(1);
        assertThat(statefun.err()).contains("statefun upgrade handles the StateFun job only");
        assertThat(run("statefun", "upgrade", "--", "--bootstrap", "k:1").err())
                .contains("takes no job arguments");
    }

    @Test
    void eachModuleGetsAFileOfItsOwnAndTheJobIsPointedAtIt(@TempDir Path dir) throws Exception {
        Path a = StatefunSubmission.writeModule(dir, "k1:9092", "http://f:8000/statefun");
        Path again = StatefunSubmission.writeModule(dir, "k1:9092", "http://f:8000/statefun");
        Path b = StatefunSubmission.writeModule(dir, "k2:9092", "http://f:8000/statefun");
        assertThat(again).isEqualTo(a);
        // A running job re-reads its module on restart: another submission must not change it.
        assertThat(b).isNotEqualTo(a);
        assertThat(a)
                .content()
                .contains(
                        "kind: io.statefun.endpoints.v2/http",
                        "urlPathTemplate: http://f:8000/statefun",
                        "address: k1:9092",
                        "topic: augur.risk",
                        "type: exactly-once");
        assertThat(StatefunSubmission.programArgs(a))
                .containsExactly(
                        "--statefun.remote.module-name",
                        a.toUri().toString(),
                        "--statefun.flink-job-name",
                        "augur-statefun");
    }
}
