package io.segflow.ingest;

import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.RecordSource;
import io.segflow.segment.SegmentWriter;
import io.segflow.segment.StoredRow;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rebuilds the row store of a channel when its task starts, as Milvus replays a channel from its
 * checkpoint: the rows of segments not yet flushed are read again from {@code C.dml}, from the
 * oldest such segment's first position up to the application's committed offset (the records
 * after it are processed anew). Each row goes to the active segment of its partition whose range
 * holds its position; rows of segments already flushed are skipped, and records that were bad
 * input were dead-lettered the first time.
 */
final class RowReplay {
    private static final Logger log = LoggerFactory.getLogger(RowReplay.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private RowReplay() {
    }

    /** Replays what {@code segments} needs; returns the rows written. */
    static long replay(IngestContext ingest, String topic, int channel, SegmentWriter segments, DmlDecoder decoder) {
        long from = segments.minUnflushedRowPosition();
        if (from == Long.MAX_VALUE) {
            return 0;
        }
        TopicPartition partition = new TopicPartition(topic, channel);
        Map<String, Object> config = new HashMap<>(ingest.replayConfig());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        long start = System.nanoTime();
        long rows = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            long until = committed == null ? consumer.endOffsets(List.of(partition)).get(partition) : committed.offset();
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            while (consumer.position(partition) < until) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() >= until) {
                        break;
                    }
                    if (replayRow(record, segments, decoder)) {
                        rows++;
                    }
                }
            }
            log.info("{}: channel {} replayed {} rows of unflushed segments from positions [{}, {}) in {} ms", ingest.collection(),
                    channel, rows, from, until, (System.nanoTime() - start) / 1_000_000);
        }
        return rows;
    }

    private static boolean replayRow(ConsumerRecord<byte[], byte[]> record, SegmentWriter segments, DmlDecoder decoder) {
        if (FlushBarrier.flushId(record.headers()).isPresent()) {
            return false;
        }
        DmlEvent event;
        try {
            event = decoder.decodeInChannel(new RecordSource(record.topic(), record.partition(), record.offset()), record.key(), record.value());
        } catch (BadInputException e) {
            return false;
        }
        if (event.op() == DmlOp.DELETE) {
            return false;
        }
        return segments.restoreRow(event.partition(), new StoredRow(record.offset(), record.timestamp(), record.key(), record.value()));
    }
}
