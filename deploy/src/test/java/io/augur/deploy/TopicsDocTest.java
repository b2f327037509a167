package io.augur.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.launch.AugurHome;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/topics.md cannot drift from the catalogue: every topic documented, every link real. */
class TopicsDocTest {

    private static final Path DOC = AugurHome.resolve().resolve("docs/topics.md");

    @Test
    void everyCatalogueTopicHasItsRowAndSection() throws IOException {
        String doc = Files.readString(DOC);
        for (Topic<?> t : Topics.all()) {
            String schema = t.valueType().getSimpleName();
            String row =
                    "| `%s` | [%s](../schemas/src/main/avro/%s.avsc) | %s | %d | %s"
                            .formatted(
                                    t.name(),
                                    schema,
                                    schema,
                                    t.key(),
                                    t.partitions(),
                                    t.cleanupPolicy());
            assertThat(doc).as("table row of " + t.name()).contains(row);
            assertThat(doc).as("section of " + t.name()).contains("### `" + t.name() + "`");
        }
    }

    @Test
    void everyRelativeLinkPointsToAFile() throws IOException {
        Matcher link = Pattern.compile("\\]\\((\\.\\./[^)#]+)\\)").matcher(Files.readString(DOC));
        int links = 0;
        while (link.find()) {
            Path target = DOC.getParent().resolve(link.group(1)).normalize();
            assertThat(target).as(link.group(1)).isRegularFile();
            links++;
        }
        assertThat(links).isGreaterThanOrEqualTo(Topics.all().size());
    }
}
