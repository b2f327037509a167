package io.augur.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Every schema this build writes must stay fully compatible with every released version: new
 * readers read old data (backward) and old readers read new data (forward). A change that breaks
 * this needs a new topic, not a new version.
 */
class SchemaCompatibilityTest {

    @Test
    void everyTopicTypeHasAReleasedVersion() {
        for (Topic<?> topic : Topics.all()) {
            assertThat(topic.codec().releasedSchemas())
                    .as("released versions of %s", topic.valueType().getSimpleName())
                    .isNotEmpty();
        }
    }

    @Test
    void currentSchemasAreFullyCompatibleWithEveryReleasedVersion() {
        for (Topic<?> topic : Topics.all()) {
            Schema current = topic.codec().currentSchema();
            int version = 1;
            for (Schema released : topic.codec().releasedSchemas()) {
                String what = current.getName() + " v" + version++;
                assertThat(
                                SchemaCompatibility.checkReaderWriterCompatibility(
                                                current, released)
                                        .getType())
                        .as("current reads released %s", what)
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                assertThat(
                                SchemaCompatibility.checkReaderWriterCompatibility(
                                                released, current)
                                        .getType())
                        .as("released %s reads current", what)
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void theLatestReleasedVersionIsTheCurrentSchema() {
        // Changing a schema without releasing it would let writers emit a fingerprint that
        // readers built from the released set do not know.
        for (Topic<?> topic : Topics.all()) {
            var released = topic.codec().releasedSchemas();
            Schema latest = released.get(released.size() - 1);
            assertThat(AvroCodec.fingerprint(latest))
                    .as("%s: add the changed schema as a new released version", latest.getName())
                    .isEqualTo(AvroCodec.fingerprint(topic.codec().currentSchema()));
        }
    }

    @Test
    void topicNamesAreUniqueAndFollowTheConvention() {
        assertThat(Topics.all().stream().map(Topic::name)).doesNotHaveDuplicates();
        assertThat(Topics.all()).allSatisfy(t -> assertThat(t.name()).startsWith("augur."));
        assertThat(Topics.byName("augur.risk")).contains(Topics.RISK);
    }
}
