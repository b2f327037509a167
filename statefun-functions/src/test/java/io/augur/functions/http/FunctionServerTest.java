package io.augur.functions.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.FunctionsConfig;
import io.augur.functions.allocation.AllocationSettings;
import io.augur.schema.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The HTTP adapter on a loopback port: only POST, and garbage is an error, not a reply. */
class FunctionServerTest {

    @Test
    void servesOnlyPostAtStatefunAndRefusesGarbage() throws Exception {
        ServerOptions options =
                new ServerOptions(
                        "127.0.0.1",
                        0,
                        OptionalInt.empty(),
                        FunctionsConfig.DEFAULT_NODE_CAPACITY,
                        AllocationSettings.DEFAULTS);
        try (FunctionServer server =
                FunctionServer.start(options, Clock.fixed(Fixtures.T0, ZoneOffset.UTC))) {
            URI url = server.url();
            assertThat(url.toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/statefun");
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<String> get =
                    client.send(
                            HttpRequest.newBuilder(url).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);

            HttpResponse<String> garbage =
                    client.send(
                            HttpRequest.newBuilder(url)
                                    .POST(
                                            HttpRequest.BodyPublishers.ofByteArray(
                                                    new byte[] {9, 9, 9}))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(garbage.statusCode()).isEqualTo(500);
        }
    }

    @Test
    void aChangedPolicyFileReachesTheRunningServerAndAnInvalidOneIsRefused(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("policy.yaml");
        java.nio.file.Files.writeString(file, "version: first\n");
        int metricsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        ServerOptions options =
                new ServerOptions(
                        "127.0.0.1",
                        0,
                        OptionalInt.of(metricsPort),
                        FunctionsConfig.DEFAULT_NODE_CAPACITY,
                        AllocationSettings.DEFAULTS,
                        java.util.Optional.of(file));
        try (FunctionServer server =
                FunctionServer.start(options, Clock.fixed(Fixtures.T0, ZoneOffset.UTC))) {
            assertThat(server.policy().version()).isEqualTo("first");

            java.nio.file.Files.writeString(file, "version: second\nmode: monitor\n");
            java.nio.file.Files.setLastModifiedTime(
                    file,
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
            awaitVersion(server, "second");
            assertThat(server.policy().monitorOnly()).isTrue();

            java.nio.file.Files.writeString(file, "version: third\nmode: sometimes\n");
            java.nio.file.Files.setLastModifiedTime(
                    file,
                    java.nio.file.attribute.FileTime.fromMillis(
                            System.currentTimeMillis() + 10000));
            String metrics =
                    awaitMetric(
                            metricsPort,
                            "augur_functions_policy_reloads_total{result=\"rejected\",} 1.0");
            assertThat(server.policy().version()).isEqualTo("second");
            assertThat(metrics)
                    .contains(
                            "augur_functions_policy_info{version=\"second\",mode=\"monitor\",} 1.0")
                    .doesNotContain("version=\"first\"")
                    .contains("augur_functions_policy_reloads_total{result=\"loaded\",} 1.0");
        }
    }

    private static void awaitVersion(FunctionServer server, String version) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (!server.policy().version().equals(version) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(server.policy().version()).isEqualTo(version);
    }

    private static String awaitMetric(int port, String line) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body =
                    client.send(
                                    HttpRequest.newBuilder(uri).GET().build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            if (body.contains(line)) {
                return body;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + line + "' in /metrics within 20 s:\n" + body);
    }
}
