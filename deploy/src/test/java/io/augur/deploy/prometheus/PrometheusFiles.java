package io.augur.deploy.prometheus;

import io.augur.launch.AugurHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the Prometheus configuration, rules and rule tests live in the checkout. */
final class PrometheusFiles {
    private PrometheusFiles() {}

    static Path dir() {
        return AugurHome.resolve().resolve("deploy/prometheus");
    }

    static Path config() {
        return dir().resolve("prometheus.yml");
    }

    static List<Path> rules() throws IOException {
        return yaml(dir().resolve("rules"));
    }

    static List<Path> ruleTests() throws IOException {
        return yaml(dir().resolve("tests"));
    }

    private static List<Path> yaml(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }
}
