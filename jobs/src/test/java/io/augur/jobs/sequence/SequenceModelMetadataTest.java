package io.augur.jobs.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceModelMetadataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode valid() {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", "augur-sequence-model");
        n.put("formatVersion", 1);
        n.put("version", "v1");
        n.put("role", "adfa");
        n.put("createdAt", "2026-11-21T10:00:00Z");
        n.put("kind", "SYSCALL");
        n.put("window", 10);
        n.putArray("vocabulary").add("read").add("write");
        n.put("topG", 5);
        n.put("maxScore", 1e6);
        n.putObject("calibration").put("p99", 1.5);
        return n;
    }

    @Test
    void readsTheContract() {
        SequenceModelMetadata m = SequenceModelMetadata.parse(valid());
        assertThat(m.role()).isEqualTo("adfa");
        assertThat(m.createdAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(m.window()).isEqualTo(10);
        assertThat(m.outputSize()).isEqualTo(4);
        assertThat(m.topG()).isEqualTo(5);
        assertThat(m.maxScore()).isEqualTo(1e6);
        assertThat(m.calibrationNumber("p99")).contains(1.5);
        assertThat(m.calibrationNumber("p50")).isEmpty();
    }

    @Test
    void calibrationIsOptional() {
        ObjectNode n = valid();
        n.remove("calibration");
        assertThat(SequenceModelMetadata.parse(n).calibration()).isNull();
    }

    @Test
    void errorsNameTheField() {
        ObjectNode missing = valid();
        missing.remove("window");
        assertThatThrownBy(() -> SequenceModelMetadata.parse(missing))
                .hasMessageContaining("missing field 'window'");
        ObjectNode format = valid().put("format", "forecaster");
        assertThatThrownBy(() -> SequenceModelMetadata.parse(format))
                .hasMessageContaining("field 'format'");
        ObjectNode fv = valid().put("formatVersion", 2);
        assertThatThrownBy(() -> SequenceModelMetadata.parse(fv))
                .hasMessageContaining("field 'formatVersion'");
        ObjectNode kind = valid().put("kind", "HTTP");
        assertThatThrownBy(() -> SequenceModelMetadata.parse(kind))
                .hasMessageContaining("field 'kind'");
        ObjectNode window = valid().put("window", 0);
        assertThatThrownBy(() -> SequenceModelMetadata.parse(window))
                .hasMessageContaining("field 'window' must be an integer >= 1");
        ObjectNode when = valid().put("createdAt", "yesterday");
        assertThatThrownBy(() -> SequenceModelMetadata.parse(when))
                .hasMessageContaining("field 'createdAt'");
        ObjectNode dup = valid();
        dup.putArray("vocabulary").add("read").add("read");
        assertThatThrownBy(() -> SequenceModelMetadata.parse(dup))
                .hasMessageContaining("'read' twice");
        ObjectNode max = valid().put("maxScore", 0.5);
        assertThatThrownBy(() -> SequenceModelMetadata.parse(max))
                .hasMessageContaining("field 'maxScore'");
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("metadata.json"), "{\"format\": ");
        assertThatThrownBy(() -> SequenceModelMetadata.read(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("metadata.json").toString());
        ObjectNode n = valid();
        n.remove("topG");
        Files.writeString(dir.resolve("metadata.json"), n.toString());
        assertThatThrownBy(() -> SequenceModelMetadata.read(dir))
                .hasMessageContaining(dir.resolve("metadata.json").toString())
                .hasMessageContaining("missing field 'topG'");
    }
}
