package io.augur.jobs.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version selection, fallback and reload, with a loader that only reads metadata. */
class SequenceModelRegistryTest {
    @TempDir Path root;

    private final List<Path> loaded = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();

    private NextCallModel fake(Path dir) throws IOException {
        SequenceModelMetadata m = SequenceModelMetadata.read(dir);
        if (m.version().startsWith("broken")) {
            throw new IOException("broken on purpose");
        }
        loaded.add(dir);
        Vocabulary v = new Vocabulary(m.vocabulary());
        return new NextCallModel() {
            @Override
            public SequenceModelMetadata metadata() {
                return m;
            }

            @Override
            public Vocabulary vocabulary() {
                return v;
            }

            @Override
            public float[][] nextCallProbabilities(long[][] histories) {
                return new float[histories.length][v.size()];
            }

            @Override
            public void close() {
                closed.add(m.version());
            }
        };
    }

    private void version(String role, String version, String createdAt) throws IOException {
        version(role, version, createdAt, "SYSCALL");
    }

    private void version(String role, String version, String createdAt, String kind)
            throws IOException {
        Path d = root.resolve(role).resolve(version);
        Files.createDirectories(d);
        Files.writeString(d.resolve("model.pt"), "not read by the fake loader");
        Files.writeString(
                d.resolve("metadata.json"),
                SequenceModelMetadataTest.valid()
                        .put("version", version)
                        .put("role", role)
                        .put("createdAt", createdAt)
                        .put("kind", kind)
                        .toString());
    }

    @Test
    void newestVersionPerRoleAndDefaultFallback() throws IOException {
        version("adfa", "a1", "2026-11-21T10:00:00Z");
        version("adfa", "a2", "2026-11-21T11:00:00Z");
        version("adfa", "a0-later-name-but-older", "2026-11-20T11:00:00Z");
        version("default", "d1", "2026-11-21T09:00:00Z");
        try (SequenceModelRegistry r = SequenceModelRegistry.open(root, this::fake)) {
            assertThat(r.roles()).containsExactly("adfa", "default");
            assertThat(r.forRole("adfa").metadata().version()).isEqualTo("a2");
            assertThat(r.forRole("web").metadata().version()).isEqualTo("d1");
            assertThat(r.forRole("adfa").qualifiedVersion()).isEqualTo("adfa/a2");
        }
    }

    @Test
    void aModelScoresOnlyCallsOfItsKind() throws IOException {
        version("service", "s1", "2026-11-21T10:00:00Z", "METHOD");
        version("default", "d1", "2026-11-21T09:00:00Z", "SYSCALL");
        try (SequenceModelRegistry r = SequenceModelRegistry.open(root, this::fake)) {
            assertThat(r.forRole("service", "METHOD").metadata().version()).isEqualTo("s1");
            // The service's system calls: its own model knows methods, the fallback knows calls.
            assertThat(r.forRole("service", "SYSCALL").metadata().version()).isEqualTo("d1");
            assertThat(r.forRole("web", "SYSCALL").metadata().version()).isEqualTo("d1");
            assertThatThrownBy(() -> r.forRole("web", "METHOD"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("no sequence model of kind METHOD for role 'web'");
        }
    }

    @Test
    void aModelReadingMoreCallsThanTheJobKeepsIsRefused() throws IOException {
        version("adfa", "a1", "2026-11-21T10:00:00Z");
        version("default", "d1", "2026-11-21T09:00:00Z");
        int h = SequenceModelMetadataTest.valid().get("window").asInt();
        try (SequenceModelRegistry r =
                SequenceModelRegistry.open(
                        root, SequenceModelRegistry.windowAtMost(h, this::fake))) {
            assertThat(r.forRole("adfa").metadata().version()).isEqualTo("a1");
        }
        closed.clear();
        assertThatThrownBy(
                        () ->
                                SequenceModelRegistry.open(
                                        root,
                                        SequenceModelRegistry.windowAtMost(h - 1, this::fake)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no sequence model");
        // both were loaded, found too long and closed again
        assertThat(closed).containsExactlyInAnyOrder("a1", "d1");
    }

    @Test
    void tieOnCreatedAtTakesTheGreaterDirectoryName() throws IOException {
        version("adfa", "a1", "2026-11-21T10:00:00Z");
        version("adfa", "a2", "2026-11-21T10:00:00Z");
        try (SequenceModelRegistry r = SequenceModelRegistry.open(root, this::fake)) {
            assertThat(r.forRole("adfa").metadata().version()).isEqualTo("a2");
        }
    }

    @Test
    void withoutDefaultAnUnknownRoleIsAClearError() throws IOException {
        version("adfa", "a1", "2026-11-21T10:00:00Z");
        try (SequenceModelRegistry r = SequenceModelRegistry.open(root, this::fake)) {
            assertThatThrownBy(() -> r.forRole("web"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("no sequence model for role 'web'");
        }
    }

    @Test
    void reloadSwapsInANewerVersionAndClosesTheOld() throws IOException {
        version("adfa", "a1", "2026-11-21T10:00:00Z");
        try (SequenceModelRegistry r = SequenceModelRegistry.open(root, this::fake)) {
            assertThat(r.reload()).isEmpty();
            version("adfa", "a2", "2026-11-21T11:00:00Z");
            assertThat(r.reload()).containsExactly("adfa");
            assertThat(r.forRole("adfa").metadata().version()).isEqualTo("a2");
            assertThat(closed).containsExactly("a1");
        }
    }

    @Test
    void aBrokenNewVersionIsRefusedAndTheCurrentKeepsServing() throws IOException {
        version("adfa", "a1", "2026-11-21T10:00:00Z");
        try (SequenceModelRegistry r = SequenceModelRegistry.open(root, this::fake)) {
            version("adfa", "broken", "2026-11-21T11:00:00Z");
            assertThat(r.reload()).isEmpty();
            assertThat(r.reload()).isEmpty();
            assertThat(r.forRole("adfa").metadata().version()).isEqualTo("a1");
        }
    }

    @Test
    void anEmptyOrMissingDirectoryIsAClearError() {
        assertThatThrownBy(() -> SequenceModelRegistry.open(root, this::fake))
                .hasMessageContaining("no sequence model");
        assertThatThrownBy(() -> SequenceModelRegistry.open(root.resolve("nope"), this::fake))
                .hasMessageContaining("does not exist");
    }
}
