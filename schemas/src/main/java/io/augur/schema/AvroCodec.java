package io.augur.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding for one record type. Encodes with the current schema; decodes any
 * released version of the type (resources {@code io/augur/schema/released/NAME/vN.avsc}) into the
 * current one. Thread-safe.
 */
public final class AvroCodec<T extends SpecificRecordBase> {

    /** Header of the single-object encoding: C3 01, then the 8-byte CRC-64-AVRO fingerprint. */
    private static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final Schema current;
    private final List<Schema> released;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroCodec(Class<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.current = model.getSchema(type);
        this.released = Collections.unmodifiableList(loadReleased(current.getName()));
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current);
        for (Schema old : released) {
            decoder.addSchema(old);
        }
    }

    public static <T extends SpecificRecordBase> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type);
    }

    public Class<T> type() {
        return type;
    }

    /** The schema this build writes. */
    public Schema currentSchema() {
        return current;
    }

    /** Every released version, oldest first (v1, v2, ...). */
    public List<Schema> releasedSchemas() {
        return released;
    }

    public byte[] encode(T value) {
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
    }

    /** Decodes bytes whose origin is unknown (no topic coordinates). */
    public T decode(byte[] bytes) throws SchemaDecodeException {
        return decode(bytes, null, -1, -1L);
    }

    /**
     * Decodes one value read from {@code topic}-{@code partition} at {@code offset}.
     *
     * @throws SchemaDecodeException naming the kind of failure and the record's coordinates
     */
    public T decode(byte[] bytes, String topic, int partition, long offset)
            throws SchemaDecodeException {
        if (bytes == null || bytes.length < HEADER_LENGTH) {
            throw new SchemaDecodeException(
                    SchemaDecodeException.Kind.NOT_SINGLE_OBJECT,
                    topic,
                    partition,
                    offset,
                    (bytes == null ? "null value" : bytes.length + " bytes")
                            + " is shorter than the single-object header",
                    null);
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new SchemaDecodeException(
                    SchemaDecodeException.Kind.UNKNOWN_FINGERPRINT,
                    topic,
                    partition,
                    offset,
                    "no released " + type.getSimpleName() + " schema has this fingerprint",
                    e);
        } catch (BadHeaderException e) {
            throw new SchemaDecodeException(
                    SchemaDecodeException.Kind.NOT_SINGLE_OBJECT,
                    topic,
                    partition,
                    offset,
                    e.getMessage(),
                    e);
        } catch (IOException | RuntimeException e) {
            // Avro signals truncated or garbled bodies with several exception types
            // (EOFException, AvroRuntimeException, ArrayIndexOutOfBounds, ...).
            throw new SchemaDecodeException(
                    SchemaDecodeException.Kind.CORRUPT,
                    topic,
                    partition,
                    offset,
                    "body does not decode as " + type.getSimpleName() + ": " + e,
                    e);
        }
    }

    /** The 64-bit fingerprint the single-object header carries for a schema. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static List<Schema> loadReleased(String name) {
        List<Schema> result = new ArrayList<>();
        for (int version = 1; ; version++) {
            String path = "/io/augur/schema/released/" + name + "/v" + version + ".avsc";
            try (InputStream in = AvroCodec.class.getResourceAsStream(path)) {
                if (in == null) {
                    return result;
                }
                result.add(
                        new Schema.Parser()
                                .parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + path, e);
            }
        }
    }
}
