package io.augur.deploy.tools;

import io.augur.schema.SchemaDecodeException;
import io.augur.schema.Topic;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * {@code ./augur export --topic}: one topic's records over a time range into one file, Avro
 * container (the record's current schema) or JSON lines. Written to a temporary name and moved into
 * place at the end, so a file that exists is complete.
 */
final class TopicExport {
    private TopicExport() {}

    /** What an export wrote. */
    record Result(Path file, long records, long undecodable) {}

    static <V extends SpecificRecordBase> Result run(
            ExportOptions options, Topic<V> topic, PrintStream progress) throws IOException {
        Files.createDirectories(options.out());
        Path file = options.out().resolve(topic.name() + "." + options.format().extension);
        Path partial = options.out().resolve(file.getFileName() + ".partial");
        long[] counts = new long[2];
        try (TopicScan scan = new TopicScan(options.bootstrap())) {
            var partitions = scan.partitions(topic.name());
            if (options.format() == ExportOptions.Format.AVRO) {
                try (DataFileWriter<V> writer =
                        new DataFileWriter<>(new SpecificDatumWriter<>(topic.valueType()))) {
                    writer.setCodec(CodecFactory.deflateCodec(6));
                    writer.create(topic.codec().currentSchema(), partial.toFile());
                    scan.scan(
                            partitions,
                            options.since(),
                            options.until(),
                            r -> {
                                try {
                                    writer.append(
                                            topic.codec()
                                                    .decode(
                                                            r.value(),
                                                            r.topic(),
                                                            r.partition(),
                                                            r.offset()));
                                    counts[0]++;
                                } catch (SchemaDecodeException e) {
                                    counts[1]++;
                                }
                            },
                            topic.name(),
                            progress);
                }
            } else {
                try (BufferedWriter writer =
                        Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                    scan.scan(
                            partitions,
                            options.since(),
                            options.until(),
                            r -> {
                                var json =
                                        RecordJson.toJson(
                                                topic,
                                                r.partition(),
                                                r.offset(),
                                                r.timestamp(),
                                                r.key(),
                                                r.value());
                                if (json.has("_error")) {
                                    counts[1]++;
                                    return;
                                }
                                writer.write(RecordJson.write(json));
                                writer.write('\n');
                                counts[0]++;
                            },
                            topic.name(),
                            progress);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new Result(file, counts[0], counts[1]);
    }
}
