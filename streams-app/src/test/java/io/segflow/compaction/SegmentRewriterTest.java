package io.segflow.compaction;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.CompactionType;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.TestCollections;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.storage.AvroFiles;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;

/** Rewrites on a real local disk: spilling sorted runs and merging them writes what an in-memory sort does. */
class SegmentRewriterTest {
    private static final int ROWS_PER_INSERT_LOG = 700;
    private static final long BYTES_PER_ROW = 100;

    private final CollectionSpec spec = CollectionSpec.newBuilder(
            TestCollections.spec("rw", PkType.INT64, 4, field("c", ScalarType.INT64))).setClusteringKey("c").build();
    private final Schema schema = DmlSchemas.insertLog(spec);
    private final List<GenericRecord> inputRows = new ArrayList<>();
    private final List<byte[]> insertLogs = new ArrayList<>();
    private final List<DeltaEntry> deletes = new ArrayList<>();
    /** The newest delete of each key, worked out here. */
    private final Map<Long, Long> newestDelete = new HashMap<>();

    @TempDir
    Path dir;

    SegmentRewriterTest() {
        Random random = new Random(7);
        for (int file = 0; file < 6; file++) {
            List<GenericRecord> rows = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                GenericRecord row = new GenericData.Record(schema);
                row.put(DmlSchemas.POSITION, (long) inputRows.size() * 3);
                // Few keys, so a key has rows in several files and runs.
                row.put(DmlSchemas.PK, (long) random.nextInt(400));
                row.put(DmlSchemas.TS, 1_700_000_000_000L + i);
                byte[] vector = new byte[16];
                random.nextBytes(vector);
                row.put(DmlSchemas.VECTOR, ByteBuffer.wrap(vector));
                row.put("c", random.nextInt(10) == 0 ? null : (long) random.nextInt(50));
                rows.add(row);
                inputRows.add(row);
            }
            insertLogs.add(AvroFiles.write(schema, rows));
        }
        for (int i = 0; i < 120; i++) {
            long pk = random.nextInt(400);
            long position = random.nextInt(inputRows.size() * 3);
            deletes.add(DeltaEntry.newBuilder().setPk(pk).setPosition(position).build());
            newestDelete.merge(pk, position, Math::max);
        }
    }

    private CompactionTask task(CompactionType type) {
        return CompactionTask.newBuilder().setTaskId("t").setTriggerId("t").setCollection("rw").setChannel(1).setPartition("_default")
                .setType(type).setInputs(List.of(1L, 2L)).setTargetLevel(type == CompactionType.CLUSTERING ? SegmentLevel.L2 : SegmentLevel.L1)
                .setPriority(10).setReason("test").setTargetSizeBytes(100_000).setCreatedAtMs(0).setTargets(List.of())
                .setInputSegments(List.of()).setDeltaLogs(List.of()).setOutputIds(List.of(11L, 12L, 13L, 14L, 15L)).build();
    }

    private record Rewrite(List<SegmentInfo> outputs, Map<String, byte[]> files, int spills, long dropped) {
    }

    private Rewrite rewrite(CompactionType type, long memoryBytes, Path spillDir) throws Exception {
        SegmentRewriter files = new SegmentRewriter(ROWS_PER_INSERT_LOG, 0.01, spillDir, memoryBytes);
        Map<String, byte[]> written = new TreeMap<>();
        CompactionTask task = task(type);
        NewestDeletes newest = NewestDeletes.of(deletes);
        try (SegmentRewriter.Rows rows = files.rows(task, spec, BYTES_PER_ROW)) {
            for (byte[] insertLog : insertLogs) {
                rows.addLive(insertLog, newest, 1_800_000_000_000L);
            }
            List<SegmentInfo> outputs = files.write(task, spec, "_default", rows, 5, written::put);
            return new Rewrite(outputs, written, rows.spills(), rows.dropped());
        }
    }

    /** The live rows in the output order, worked out here from the inputs alone. */
    private List<Long> expectedPositions(CompactionType type) {
        Comparator<GenericRecord> byPk = Comparator.comparing(r -> (Long) r.get(DmlSchemas.PK));
        Comparator<GenericRecord> byKey = Comparator.comparing(r -> (Long) r.get("c"), Comparator.nullsFirst(Comparator.naturalOrder()));
        Comparator<GenericRecord> order = (type == CompactionType.CLUSTERING ? byKey.thenComparing(byPk) : byPk)
                .thenComparing(r -> (Long) r.get(DmlSchemas.POSITION));
        return inputRows.stream()
                .filter(r -> newestDelete.getOrDefault((Long) r.get(DmlSchemas.PK), -1L) <= (Long) r.get(DmlSchemas.POSITION))
                .sorted(order).map(r -> (Long) r.get(DmlSchemas.POSITION)).toList();
    }

    private static List<GenericRecord> rowsOf(Rewrite rewrite) {
        List<GenericRecord> rows = new ArrayList<>();
        rewrite.outputs().forEach(s -> s.getInsertLogPaths().forEach(path -> rows.addAll(AvroFiles.read(rewrite.files().get(path)))));
        return rows;
    }

    @ParameterizedTest
    @EnumSource(value = CompactionType.class, names = {"MIX", "CLUSTERING"})
    void spilledRunsMergeIntoWhatOneSortInMemoryWrites(CompactionType type) throws Exception {
        Rewrite inMemory = rewrite(type, 1L << 30, dir.resolve("unbounded"));
        List<Long> expected = expectedPositions(type);

        assertThat(inMemory.spills()).isZero();
        assertThat(inMemory.dropped()).isEqualTo(inputRows.size() - expected.size()).isPositive();
        assertThat(rowsOf(inMemory).stream().map(r -> (Long) r.get(DmlSchemas.POSITION)).toList()).isEqualTo(expected);
        assertThat(inMemory.outputs()).hasSize(3);
        // 250 rows in memory: a handful of runs; 20 rows: more runs than one merge takes, so tiers merge while rows arrive.
        for (long rowsInMemory : new long[] {250, 20}) {
            Path spillDir = dir.resolve("bounded-" + rowsInMemory);
            Rewrite spilled = rewrite(type, rowsInMemory * BYTES_PER_ROW, spillDir);

            assertThat(spilled.spills()).isEqualTo(expected.size() / rowsInMemory);
            assertThat(rowsOf(spilled)).isEqualTo(rowsOf(inMemory));
            assertThat(spilled.outputs()).isEqualTo(inMemory.outputs());
            // Every file decodes to the same records (container files differ only in their random sync markers).
            assertThat(spilled.files().keySet()).isEqualTo(inMemory.files().keySet());
            for (String path : inMemory.files().keySet()) {
                assertThat(AvroFiles.<Object>read(spilled.files().get(path))).as(path).isEqualTo(AvroFiles.read(inMemory.files().get(path)));
            }
            try (Stream<Path> left = Files.list(spillDir)) {
                assertThat(left).as("runs deleted on close").isEmpty();
            }
        }
    }

    @Test
    void eachClusteredOutputRecordsTheRangeOfItsRows() throws Exception {
        Rewrite spilled = rewrite(CompactionType.CLUSTERING, 20 * BYTES_PER_ROW, dir.resolve("bounded"));

        assertThat(spilled.spills()).isGreaterThan(SegmentRewriter.MERGE_FAN_IN);

        for (SegmentInfo output : spilled.outputs()) {
            List<GenericRecord> rows = new ArrayList<>();
            output.getInsertLogPaths().forEach(path -> rows.addAll(AvroFiles.read(spilled.files().get(path))));
            assertThat(rows).hasSize((int) output.getRows());
            assertThat(output.getClusteringMin()).isEqualTo(rows.get(0).get("c"));
            assertThat(output.getClusteringMax()).isEqualTo(rows.get(rows.size() - 1).get("c"));
            assertThat(output.getInsertLogPaths()).hasSize((rows.size() + ROWS_PER_INSERT_LOG - 1) / ROWS_PER_INSERT_LOG);
        }
    }
}
