package io.augur.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./augur up}'s arguments: what stack they ask for, and clear refusals. */
class UpMainTest {
    @TempDir Path dir;

    private Path version(Path registry, String name) throws Exception {
        Path v = Files.createDirectories(registry.resolve(name));
        Files.writeString(v.resolve("model.pt"), "");
        Files.writeString(
                v.resolve("metadata.json"), "{\"format\": 1, \"version\": \"" + name + "\"}");
        return v;
    }

    @Test
    void byDefaultTheStackServesTheShippedForecaster() {
        StackConfig config = UpMain.parse(new String[] {"--dir", dir.toString()});
        assertThat(config.modelDir()).endsWith(Path.of("models", "forecaster"));
        assertThat(config.workDir()).isEqualTo(dir.toAbsolutePath());
        assertThat(config.metrics()).isEqualTo(StackConfig.MetricsPorts.SCRAPED);
        assertThat(UpMain.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void aModelDirectoryOfVersionsIsServed() throws Exception {
        Path registry = dir.resolve("registry");
        version(registry, "lstm-1");
        StackConfig config =
                UpMain.parse(
                        new String[] {"--model-dir", registry.toString(), "--cgroup-root", "x"});
        assertThat(config.modelDir()).isEqualTo(registry.toAbsolutePath());
        assertThat(config.cgroupRoot()).isEqualTo("x");
    }

    @Test
    void aMissingEmptyOrSingleVersionModelDirectoryIsRefusedSayingWhy() throws Exception {
        assertThatThrownBy(() -> UpMain.parse(new String[] {"--model-dir", dir + "/none"}))
                .hasMessageContaining("--model-dir: no such directory");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.createDirectories(empty.resolve("half")).resolve("model.pt").toFile().createNewFile();
        assertThatThrownBy(() -> UpMain.parse(new String[] {"--model-dir", empty.toString()}))
                .hasMessageContaining(
                        "no model version (a folder with model.pt and metadata.json)");
        Path one = version(dir.resolve("registry"), "lstm-1");
        assertThatThrownBy(() -> UpMain.parse(new String[] {"--model-dir", one.toString()}))
                .hasMessageContaining("is one model version; give the directory of versions")
                .hasMessageContaining(dir.resolve("registry").toAbsolutePath().toString());
        Path broken = Files.createDirectories(dir.resolve("broken").resolve("v1"));
        Files.writeString(broken.resolve("model.pt"), "");
        Files.writeString(broken.resolve("metadata.json"), "{\"format\": 1,");
        assertThatThrownBy(
                        () ->
                                UpMain.parse(
                                        new String[] {
                                            "--model-dir", broken.getParent().toString()
                                        }))
                .hasMessageContaining("has a metadata.json that parses")
                .hasMessageContaining("v1 (");
        assertThatThrownBy(() -> UpMain.parse(new String[] {"--model-dir"}))
                .hasMessage("--model-dir needs a value");
    }

    @Test
    void otherBadArgumentsAreRefusedSayingWhy() {
        assertThatThrownBy(() -> UpMain.parse(new String[] {"--metrics-ports", "1,2"}))
                .hasMessageContaining("takes four ports");
        assertThatThrownBy(() -> UpMain.parse(new String[] {"--policy", dir + "/none.yaml"}))
                .hasMessageContaining("--policy: no such file");
        assertThatThrownBy(() -> UpMain.parse(new String[] {"--frobnicate"}))
                .hasMessage("unknown argument: --frobnicate");
    }
}
