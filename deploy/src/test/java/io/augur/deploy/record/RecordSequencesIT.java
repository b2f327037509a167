package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.launch.JavaProcess;
import io.augur.schema.InvocationKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur record} recording invocation sequences on real cgroups: the sample JVM service
 * under the real JVM agent, normal and turning hostile, and a native scenario's system calls under
 * real strace ({@code --sequences all}). Needs root, strace and the agent module's jar.
 */
class RecordSequencesIT {
    static final String SHOP = Scenarios.SHOP_PACKAGES + ".";

    /** Methods only the attack path calls. */
    static final List<String> ATTACK_PATH =
            List.of(
                    SHOP + "CouponTemplates#expand",
                    SHOP + "Backdoor#activate",
                    SHOP + "CredentialHarvester#harvest",
                    SHOP + "DirectoryScanner#scan",
                    SHOP + "Exfiltrator#stream",
                    SHOP + "ShellRunner#run");

    @TempDir Path tmp;

    @Test
    void theHostileTurnShowsInTheRecordedMethodCallsOnlyAfterTheTurn() throws Exception {
        Path out = tmp.resolve("rec");
        Path work = Files.createDirectories(tmp.resolve("work"));
        JavaProcess rec =
                RecordIT.record(
                        out,
                        "--duration",
                        "9",
                        "--scenarios",
                        "jvm-service,jvm-service-hostile,steady-service",
                        "--sequences",
                        "all",
                        "--work-dir",
                        work.toString());
        Set<ProcessHandle> seen = new HashSet<>();
        String runId;
        try {
            String header =
                    rec.awaitLogLine(l -> l.startsWith("Augur record "), Duration.ofSeconds(30));
            runId = header.substring("Augur record ".length(), header.indexOf(':'));
            while (rec.isAlive()) {
                rec.process().descendants().forEach(seen::add);
                Thread.sleep(200);
            }
            assertThat(rec.waitFor(Duration.ofSeconds(120))).as("recorder ends").isTrue();
        } finally {
            rec.kill();
        }
        assertThat(rec.process().exitValue()).as("exit code; log:\n%s", rec.tail()).isZero();

        List<InvocationsTsv.Trace> traces = InvocationsTsv.read(out.resolve("invocations.tsv"));
        Map<String, InvocationsTsv.Trace> byTrace =
                traces.stream()
                        .collect(
                                Collectors.toMap(InvocationsTsv.Trace::trace, Function.identity()));
        String benignTask = "jvm-service-1-" + runId;
        String hostileTask = "jvm-service-hostile-1-" + runId;
        String nativeTask = "steady-service-1-" + runId;
        assertThat(byTrace.keySet())
                .containsExactlyInAnyOrder(
                        benignTask, hostileTask + ":benign-prefix", hostileTask, nativeTask);
        assertThat(traces).allMatch(t -> t.role().equals("service"));

        // The normal service: its own classes only, the whole request path, no attack call.
        InvocationsTsv.Trace benign = byTrace.get(benignTask);
        assertThat(benign.label()).isEqualTo("benign");
        assertThat(benign.kind()).isEqualTo(InvocationKind.METHOD);
        assertThat(benign.calls()).hasSizeGreaterThan(500).allMatch(c -> c.startsWith(SHOP));
        assertThat(benign.calls())
                .contains(
                        SHOP + "RequestHandler#handle",
                        SHOP + "RequestParser#parse",
                        SHOP + "OrderValidator#validate",
                        SHOP + "PriceCalculator#price",
                        SHOP + "OrderStore#save",
                        SHOP + "ResponseWriter#ok",
                        SHOP + "Housekeeping#run")
                .doesNotContainAnyElementsOf(ATTACK_PATH);

        // Turning hostile: before the turn, the same calls as the normal service and none of the
        // attack path; from the turn on, the attack path beside the normal traffic.
        InvocationsTsv.Trace prefix = byTrace.get(hostileTask + ":benign-prefix");
        InvocationsTsv.Trace hostile = byTrace.get(hostileTask);
        assertThat(prefix.label()).isEqualTo("benign");
        assertThat(prefix.calls())
                .hasSizeGreaterThan(100)
                .contains(SHOP + "RequestHandler#handle")
                .doesNotContainAnyElementsOf(ATTACK_PATH);
        assertThat(hostile.label()).isEqualTo("hostile");
        assertThat(hostile.calls().get(0)).isEqualTo(Scenarios.SHOP_TURN);
        assertThat(hostile.calls())
                .containsAll(ATTACK_PATH)
                .contains(SHOP + "RequestHandler#handle");

        // A native scenario under strace: its system calls, by name.
        InvocationsTsv.Trace syscalls = byTrace.get(nativeTask);
        assertThat(syscalls.label()).isEqualTo("benign");
        assertThat(syscalls.kind()).isEqualTo(InvocationKind.SYSCALL);
        assertThat(syscalls.calls()).hasSizeGreaterThan(100).allMatch(c -> c.matches("[a-z0-9_]+"));
        assertThat(syscalls.calls()).containsAnyOf("read", "recvfrom", "write", "sendto");

        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.at("/invocations/mode").asText()).isEqualTo("all");
        assertThat(manifest.at("/invocations/lines").asLong()).isEqualTo(4);
        JsonNode hostileRun = RecordIT.run(manifest, "jvm-service-hostile");
        assertThat(hostileRun.at("/invocations/turned_at_call").asLong())
                .isEqualTo(prefix.calls().size());
        assertThat(hostileRun.at("/invocations/dropped_by_agent").asLong()).isZero();
        assertThat(hostileRun.at("/invocations/calls_per_second").asDouble()).isPositive();
        assertThat(manifest.at("/sink/tcp_bytes").asLong())
                .as("the attack path streamed what it found to the sink")
                .isPositive();
        // Each task runs in a network namespace of its own: what the hostile service streamed is
        // in its own network columns, not in the normal service's (bytes = rate x interval; the
        // last moments before the stop fall after the last sample, hence the half).
        long streamed = manifest.at("/sink/tcp_bytes").asLong();
        List<Map<String, String>> rows = RecordIT.readCsv(out.resolve("recording.csv"));
        double hostileSent = sentBytes(rows, hostileTask);
        double benignSent = sentBytes(rows, benignTask);
        assertThat(hostileSent)
                .as(
                        "bytes the hostile service sent (the sink got %d; the normal one sent %s)",
                        streamed, benignSent)
                .isGreaterThan(benignSent + streamed / 2.0);

        // Nothing left behind.
        assertThat(seen).isNotEmpty().noneMatch(ProcessHandle::isAlive);
        RecordIT.assertNoCgroup("augur-record-" + runId);
        assertThat(work.resolve("augur-record-" + runId)).doesNotExist();
    }

    private static double sentBytes(List<Map<String, String>> rows, String task) {
        return rows.stream()
                .filter(r -> r.get("task_id").equals(task))
                .mapToDouble(
                        r ->
                                Double.parseDouble(r.get("net_tx_bps"))
                                        * Long.parseLong(r.get("interval_ms"))
                                        / 1000.0)
                .sum();
    }
}
