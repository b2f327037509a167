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
}
