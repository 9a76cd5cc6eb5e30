package io.segflow.ingest;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.SegmentStats;
import io.segflow.schema.TestCollections;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.serde.DeadLetterHeaders;
import io.segflow.seal.SealReason;
import io.segflow.storage.AvroFiles;
import io.segflow.testing.InMemoryObjectStorage;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class CollectionTopologyTest {
    private final InMemoryObjectStorage storage = new InMemoryObjectStorage(System::currentTimeMillis);

    @TempDir
    Path stateDir;
    private IngestDriver ingest;
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @AfterEach
    void closeDriver() {
        if (ingest != null) {
            ingest.close();
        }
    }

    /** A collection of one channel: the test driver runs the task of partition 0 alone. */
    private IngestDriver start(String name, Map<String, String> overrides) {
        return start(name, overrides, 1);
    }

    private IngestDriver start(String name, Map<String, String> overrides, int channels) {
        CollectionSpec spec = TestCollections.spec(name, PkType.INT64, 2);
        spec.setChannels(channels);
        Map<String, String> settings = new HashMap<>(Map.of(
                "seal.lifetime.ms", "3600000", "seal.idle.ms", "3600000", "l0.flush.age.ms", "3600000", "seal.check.interval.ms", "100"));
        settings.putAll(overrides);
        ingest = new IngestDriver(spec, registry, storage, stateDir, settings);
        return ingest;
    }

    @Test
    void aFullSegmentSealsOnCapacityAndFlushesDecodableFiles() throws Exception {
        // Each stored row is about 60 bytes: 20 rows fill 1000 bytes whatever the jitter.
        start("capacity", Map.of("seal.capacity.bytes", "1000", "seal.capacity.jitter", "0.1"));
        for (long pk = 0; pk < 25; pk++) {
            ingest.insert(pk, "_default", pk, -pk);
        }

        ingest.tickUntil(() -> !ingest.flushed().isEmpty());

        SegmentInfo segment = ingest.flushed().get(0);
        assertThat(segment.getState()).isEqualTo(SegmentState.FLUSHED);
        assertThat(segment.getLevel()).isEqualTo(SegmentLevel.L1);
        assertThat(segment.getSealReason()).isEqualTo(SealReason.CAPACITY.label());
        assertThat(segment.getRows()).isBetween(14L, 25L);
        assertThat(segment.getInsertLogPaths()).singleElement().asString().startsWith("capacity/0/" + segment.getId() + "/insert_log/");
        List<GenericRecord> rows = AvroFiles.read(object(segment.getInsertLogPaths().get(0)));
        assertThat(rows).hasSize((int) segment.getRows());
        assertThat(rows.get(0).get("pk")).isEqualTo(0L);
        assertThat(rows.get(0).get("position")).isEqualTo(0L);
        SegmentStats stats = AvroFiles.read(object(segment.getStatsLogPath()), SegmentStats.class).get(0);
        assertThat(stats.getRows()).isEqualTo(segment.getRows());
        assertThat(stats.getMinPk()).isEqualTo(0L);
        assertThat(stats.getBloomFpp()).isEqualTo(0.001);
    }

    @Test
    void anOldSegmentSealsOnLifetime() {
        start("lifetime", Map.of("seal.lifetime.ms", "60000"));
        ingest.insert(1, "_default", 1, 1);

        ingest.advance(Duration.ofSeconds(30));
        assertThat(ingest.flushed()).isEmpty();
        ingest.advance(Duration.ofSeconds(31));
        ingest.tickUntil(() -> !ingest.flushed().isEmpty());

        assertThat(ingest.flushed()).singleElement().satisfies(s -> assertThat(s.getSealReason()).isEqualTo(SealReason.LIFETIME.label()));
    }

    @Test
    void anIdleSegmentSealsOnlyOnceBigEnough() {
        start("idle", Map.of("seal.idle.ms", "10000", "seal.idle.min.bytes", "150"));
        ingest.insert(1, "_default", 1, 1);
        ingest.insert(2, "hot", 1, 1);
        ingest.insert(3, "hot", 1, 1);
        ingest.insert(4, "hot", 1, 1);
        ingest.insert(5, "hot", 1, 1);

        ingest.advance(Duration.ofSeconds(11));
        ingest.tickUntil(() -> !ingest.flushed().isEmpty());

        assertThat(ingest.flushed()).singleElement().satisfies(s -> {
            assertThat(s.getPartition()).isEqualTo("hot");
            assertThat(s.getRows()).isEqualTo(4);
            assertThat(s.getSealReason()).isEqualTo(SealReason.IDLE.label());
        });
    }

    @Test
    void tooManyInsertLogsSealAndEachFileHoldsItsShare() throws Exception {
        start("binlogs", Map.of("seal.insert.log.rows", "3", "seal.max.insert.logs", "3"));
        for (long pk = 0; pk < 7; pk++) {
            ingest.insert(pk, "_default", 0, 0);
        }

        ingest.tickUntil(() -> !ingest.flushed().isEmpty());

        SegmentInfo segment = ingest.flushed().get(0);
        assertThat(segment.getSealReason()).isEqualTo(SealReason.BINLOG_FILES.label());
        assertThat(segment.getInsertLogPaths()).hasSize(3);
        assertThat(AvroFiles.read(object(segment.getInsertLogPaths().get(2)))).hasSize(1);
    }

    @Test
    void aDeleteBacklogSealsTheGrowingSegmentItBlocks() {
        start("blocking", Map.of("seal.blocking.l0.entries", "3"));
        ingest.insert(100, "_default", 1, 1);
        for (long pk = 0; pk < 4; pk++) {
            ingest.delete(pk);
        }

        ingest.tickUntil(() -> !ingest.flushed().isEmpty());

        assertThat(ingest.flushed()).filteredOn(s -> s.getLevel() == SegmentLevel.L1).singleElement()
                .satisfies(s -> assertThat(s.getSealReason()).isEqualTo(SealReason.BLOCKING_L0.label()));
    }

    @Test
    void theLargestGrowingSegmentsSealWhenTheChannelHoldsTooMuch() {
        start("total", Map.of("seal.channel.growing.bytes", "220"));
        for (long pk = 0; pk < 4; pk++) {
            ingest.insert(pk, "hot", 1, 1);
        }
        ingest.insert(10, "_default", 1, 1);

        ingest.tickUntil(() -> !ingest.flushed().isEmpty());

        assertThat(ingest.flushed()).singleElement().satisfies(s -> {
            assertThat(s.getPartition()).isEqualTo("hot");
            assertThat(s.getSealReason()).isEqualTo(SealReason.CHANNEL_GROWING_TOTAL.label());
        });
    }

    @Test
    void theL0BufferFlushesAsADeltaLog() throws Exception {
        start("l0", Map.of("l0.flush.entries", "3"));
        ingest.delete(7);
        ingest.delete(8);
        ingest.upsert(9, 1, 1);

        ingest.tickUntil(() -> ingest.flushed().stream().anyMatch(s -> s.getLevel() == SegmentLevel.L0));

        SegmentInfo l0 = ingest.flushed().stream().filter(s -> s.getLevel() == SegmentLevel.L0).findFirst().orElseThrow();
        assertThat(l0.getRows()).isEqualTo(3);
        assertThat(l0.getSealReason()).isEqualTo(SealReason.L0_ENTRIES.label());
        assertThat(l0.getMinPosition()).isEqualTo(0);
        assertThat(l0.getMaxPosition()).isEqualTo(2);
        assertThat(l0.getInsertLogPaths()).isEmpty();
        List<DeltaEntry> entries = AvroFiles.read(object(l0.getDeltaLogPaths().get(0)), DeltaEntry.class);
        assertThat(entries).extracting(DeltaEntry::getPk).containsExactly(7L, 8L, 9L);
        assertThat(entries).extracting(DeltaEntry::getPosition).containsExactly(0L, 1L, 2L);
    }

    @Test
    void rowsADeleteAlreadyHitAreNotWrittenAndAreCounted() throws Exception {
        start("hit", Map.of());
        ingest.insert(1, "_default", 1, 1);
        ingest.insert(2, "_default", 2, 2);
        ingest.delete(1);
        ingest.upsert(2, 3, 3);

        ingest.flushBarrier("f1");
        ingest.tickUntil(() -> ingest.flushes.channelsDone("f1").contains(0));

        SegmentInfo segment = ingest.flushed().stream().filter(s -> s.getLevel() == SegmentLevel.L1).findFirst().orElseThrow();
        assertThat(segment.getSealReason()).isEqualTo(SealReason.FLUSH.label());
        assertThat(segment.getDeletedAtFlush()).isEqualTo(2);
        assertThat(segment.getRows()).isEqualTo(1);
        List<GenericRecord> rows = AvroFiles.read(object(segment.getInsertLogPaths().get(0)));
        // The upsert's row at position 3 survives its own delete at position 3.
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.get("pk")).isEqualTo(2L);
            assertThat(r.get("position")).isEqualTo(3L);
        });
        assertThat(ingest.flushed()).filteredOn(s -> s.getLevel() == SegmentLevel.L0).singleElement()
                .satisfies(s -> assertThat(s.getRows()).isEqualTo(2));
    }

    @Test
    void aFieldAddedWhileASegmentGrowsIsInItsFilesWithNullForOlderRows() throws Exception {
        start("evolving", Map.of());
        ingest.insert(1, "_default", 1, 1);
        CollectionSpec evolved = CollectionSpec.newBuilder(ingest.spec)
                .setFields(List.of(TestCollections.field("color", ScalarType.VARCHAR))).setSchemaVersion(2).build();
        ingest.current.set(evolved);
        ingest.pipe(2, new DmlRecords(evolved).insert(2L, "_default", new float[] {2, 2}, Map.of("color", "red")));

        ingest.flushBarrier("evolved");
        ingest.tickUntil(() -> ingest.flushes.channelsDone("evolved").contains(0));

        SegmentInfo segment = ingest.flushed().get(0);
        assertThat(segment.getSchemaVersion()).isEqualTo(2);
        List<GenericRecord> rows = AvroFiles.read(object(segment.getInsertLogPaths().get(0)));
        assertThat(rows).extracting(r -> r.get("pk"), r -> r.get("color") == null ? null : r.get("color").toString())
                .containsExactly(tuple(1L, null), tuple(2L, "red"));
    }

    @Test
    void badInputGoesToTheDeadLetterTopicAndProcessingGoesOn() {
        start("dlq", Map.of());
        ingest.pipeRaw(new byte[8], "not avro".getBytes(StandardCharsets.UTF_8), new RecordHeaders().add("trace", new byte[] {1}));
        ingest.pipe(5, ingest.rows.insert(5L, "nowhere", new float[] {1, 1}, Map.of()));
        ingest.pipe(6, ingest.rows.insert(6L, "_default", new float[] {1, 1, 1}, Map.of()));
        ingest.pipeRaw(null, ingest.serialize(ingest.rows.delete(8L, "_default")), new RecordHeaders());
        ingest.insert(7, "_default", 1, 1);
        ingest.flushBarrier("f");
        ingest.tickUntil(() -> ingest.flushes.channelsDone("f").contains(0));

        List<TestRecord<byte[], byte[]>> dead = ingest.deadLetters();

        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("NOT_WIRE_FORMAT", "UNKNOWN_PARTITION", "WRONG_VECTOR_LENGTH", "MISSING_PK");
        assertThat(header(dead.get(0), DeadLetterHeaders.TOPIC)).isEqualTo("dlq.dml");
        assertThat(header(dead.get(1), DeadLetterHeaders.OFFSET)).isEqualTo("1");
        assertThat(header(dead.get(0), "trace")).isEqualTo("\u0001");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(ingest.flushed()).singleElement().satisfies(s -> assertThat(s.getRows()).isEqualTo(1));
        assertThat(ingest.meters.get("segflow.dlq.records").tag("reason", "UNKNOWN_PARTITION").counter().count()).isEqualTo(1);
    }

    @Test
    void aRecordInAnotherChannelThanItsKeysIsDeadLetteredWithTheRightOne() {
        start("wrongchannel", Map.of(), 2);
        long home = LongStream.range(0, 100).filter(pk -> PrimaryKeys.channel(PrimaryKeys.encode(pk), 2) == 0).findFirst().orElseThrow();
        long away = LongStream.range(0, 100).filter(pk -> PrimaryKeys.channel(PrimaryKeys.encode(pk), 2) == 1).findFirst().orElseThrow();
        ingest.insert(away, "_default", 1, 1);
        ingest.delete(away);
        ingest.insert(home, "_default", 2, 2);
        ingest.flushBarrier("f");
        ingest.tickUntil(() -> ingest.flushes.channelsDone("f").contains(0));

        List<TestRecord<byte[], byte[]>> dead = ingest.deadLetters();

        assertThat(dead).hasSize(2).allSatisfy(r -> {
            assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("WRONG_CHANNEL");
            assertThat(header(r, DeadLetterHeaders.PARTITION)).isEqualTo("0");
            assertThat(header(r, DeadLetterHeaders.EXPECTED_CHANNEL)).isEqualTo("1");
            assertThat(r.key()).isEqualTo(PrimaryKeys.encode(away));
        });
        assertThat(ingest.flushed()).filteredOn(s -> s.getLevel() == SegmentLevel.L1).singleElement()
                .satisfies(s -> assertThat(s.getRows()).isEqualTo(1));
        assertThat(ingest.flushed()).noneMatch(s -> s.getLevel() == SegmentLevel.L0);
        assertThat(ingest.meters.get("segflow.dlq.records").tag("reason", "WRONG_CHANNEL").counter().count()).isEqualTo(2);
    }

    @Test
    void aFlushBarrierSealsEveryPartitionAndTheBuffer() {
        start("barrier", Map.of());
        ingest.insert(1, "_default", 1, 1);
        ingest.insert(2, "hot", 1, 1);
        ingest.delete(3);

        ingest.flushBarrier("all");
        ingest.tickUntil(() -> ingest.flushes.channelsDone("all").contains(0));

        assertThat(ingest.flushed()).extracting(SegmentInfo::getLevel, SegmentInfo::getPartition)
                .containsExactlyInAnyOrder(tuple(SegmentLevel.L1, "_default"), tuple(SegmentLevel.L1, "hot"), tuple(SegmentLevel.L0, "*"));
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private byte[] object(String path) {
        return storage.get(path);
    }

}
