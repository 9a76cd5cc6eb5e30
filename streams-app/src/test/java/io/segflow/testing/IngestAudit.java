package io.segflow.testing;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.segflow.fanout.SegmentDescription;
import io.segflow.collection.CollectionTopics;
import io.segflow.ingest.FlushBarrier;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.RecordSource;
import io.segflow.storage.AvroFiles;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks flushed segments against what Kafka holds: every INSERT/UPSERT row of {@code C.dml} is in
 * exactly one Flushed L1 segment or counted as deleted at flush (and then a later delete of its
 * key exists); every delete is in exactly one L0 segment; and the live rows the files give by the
 * position rule are the live rows of the DML stream.
 */
public final class IngestAudit {
    /** A row or delete: channel and position. */
    public record Position(int channel, long offset) {
    }

    /** What the audit counted. */
    public record Totals(long events, long dmlRows, long dmlDeletes, long writtenRows, long deletedAtFlush, long liveRows, int segments) {
    }

    private IngestAudit() {
    }

    public static Totals verify(CollectionSpec spec, SchemaRegistryClient registry, String bootstrap, MinioClient s3,
                                List<SegmentDescription> segments) throws Exception {
        Map<Position, Object> rowPks = new HashMap<>();
        Map<Position, Object> deletePks = new HashMap<>();
        long events = readDml(spec, registry, bootstrap, rowPks, deletePks);

        assertThat(segments).as("every segment flushed").allSatisfy(s -> assertThat(s.state()).isEqualTo("FLUSHED"));
        Map<Position, Object> written = new HashMap<>();
        Map<Position, Object> deltas = new HashMap<>();
        long deletedAtFlush = 0;
        for (SegmentDescription segment : segments) {
            if (segment.level().equals("L0")) {
                for (DeltaEntry entry : AvroFiles.read(object(s3, segment.deltaLogPaths().get(0)), DeltaEntry.class)) {
                    Position at = new Position(segment.channel(), entry.getPosition());
                    assertThat(deltas.put(at, PrimaryKeys.plain(entry.getPk()))).as("delete %s in one L0 segment only", at).isNull();
                }
                continue;
            }
            long rows = 0;
            for (String path : segment.insertLogPaths()) {
                for (GenericRecord row : AvroFiles.<GenericRecord>read(object(s3, path))) {
                    Position at = new Position(segment.channel(), (Long) row.get("position"));
                    assertThat(written.put(at, PrimaryKeys.plain(row.get("pk")))).as("row %s in one segment only", at).isNull();
                    rows++;
                }
            }
            assertThat(rows).as("rows of segment %d", segment.id()).isEqualTo(segment.rows());
            deletedAtFlush += segment.deletedAtFlush();
        }

        assertThat(deltas).as("every delete of C.dml is in an L0 segment").isEqualTo(deletePks);
        assertThat(rowPks).as("written rows are rows of C.dml").containsAllEntriesOf(written);
        Set<Position> notWritten = new HashSet<>(rowPks.keySet());
        notWritten.removeAll(written.keySet());
        assertThat((long) notWritten.size()).as("rows not written are the rows deleted at flush").isEqualTo(deletedAtFlush);
        Map<Object, List<Position>> deletesByPk = byPk(deletePks);
        for (Position row : notWritten) {
            assertThat(deletesByPk.getOrDefault(rowPks.get(row), List.of()))
                    .as("a row deleted at flush (%s) has a later delete of its key", row)
                    .anySatisfy(d -> assertThat(d.channel() == row.channel() && d.offset() > row.offset()).isTrue());
        }
        Set<Position> liveFromFiles = live(written, deletesByPk);
        Set<Position> liveFromDml = live(rowPks, deletesByPk);
        assertThat(liveFromFiles).as("live rows of the files equal live rows of the DML stream").isEqualTo(liveFromDml);
        return new Totals(events, rowPks.size(), deletePks.size(), written.size(), deletedAtFlush, liveFromFiles.size(), segments.size());
    }

    /** Rows no delete of the same key at a later position of the same channel removes. */
    private static Set<Position> live(Map<Position, Object> rows, Map<Object, List<Position>> deletesByPk) {
        Set<Position> live = new HashSet<>();
        rows.forEach((row, pk) -> {
            boolean deleted = deletesByPk.getOrDefault(pk, List.of()).stream()
                    .anyMatch(d -> d.channel() == row.channel() && d.offset() > row.offset());
            if (!deleted) {
                live.add(row);
            }
        });
        return live;
    }

    private static Map<Object, List<Position>> byPk(Map<Position, Object> deletes) {
        Map<Object, List<Position>> byPk = new HashMap<>();
        deletes.forEach((at, pk) -> byPk.computeIfAbsent(pk, k -> new ArrayList<>()).add(at));
        return byPk;
    }

    /** Reads every DML event of the collection; returns how many there are. */
    private static long readDml(CollectionSpec spec, SchemaRegistryClient registry, String bootstrap,
                                Map<Position, Object> rows, Map<Position, Object> deletes) {
        long events = 0;
        String topic = CollectionTopics.dml(spec.getName());
        DmlDecoder decoder = new DmlDecoder(spec, registry);
        for (ConsumerRecord<byte[], byte[]> record : readCommitted(bootstrap, topic)) {
            if (FlushBarrier.flushId(record.headers()).isPresent()) {
                continue;
            }
            Position at = new Position(record.partition(), record.offset());
            DmlEvent event;
            try {
                event = decoder.decodeInChannel(new RecordSource(topic, record.partition(), record.offset()), record.key(), record.value());
            } catch (BadInputException e) {
                continue;
            }
            events++;
            if (event.op() != DmlOp.INSERT) {
                deletes.put(at, event.pk());
            }
            if (event.op() != DmlOp.DELETE) {
                rows.put(at, event.pk());
            }
        }
        return events;
    }

    /** Every committed record of {@code topic}, up to its end as it is now, partition by partition. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    public static byte[] object(MinioClient s3, String path) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket("segflow").object(path).build())) {
            return in.readAllBytes();
        }
    }
}
