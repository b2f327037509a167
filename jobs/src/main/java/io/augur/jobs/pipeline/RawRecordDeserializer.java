package io.augur.jobs.pipeline;

import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads each Kafka record with its coordinates and checks it ({@link DecodeSamplesFn#check}): a
 * valid sample is decoded once, here, with its timestamp as the record's event time; an undecodable
 * or implausible record (a sample stamped far in the future included) gets the reason and no event
 * time, so a watermark strategy on the source could not be moved by it. It never fails.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 2L;

    private final Clock clock;
    private final Duration maxFutureSkew;

    public RawRecordDeserializer(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        RawRecord raw =
                new RawRecord(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value());
        DecodeSamplesFn.check(raw, clock.instant(), maxFutureSkew);
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
