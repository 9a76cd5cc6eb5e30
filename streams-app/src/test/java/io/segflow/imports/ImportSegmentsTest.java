package io.segflow.imports;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentState;
import io.segflow.schema.TestCollections;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.storage.AvroFiles;
import io.segflow.storage.InsertLogEncoder;
import io.segflow.storage.SegmentFiles;
import io.segflow.testing.InMemoryObjectStorage;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;

class ImportSegmentsTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final CollectionSpec spec = registered(TestCollections.spec("imp", PkType.INT64, 2, field("price", ScalarType.DOUBLE)));
    private static final Map<Integer, Long> POSITIONS = Map.of(0, 10L, 1, 20L, 2, 30L, 3, 40L);

    private CollectionSpec registered(CollectionSpec spec) {
        spec.setDmlSchemaId(registry.register(DmlSchemas.subject(spec.getName()), DmlSchemas.forCollection(spec)));
        return spec;
    }

    private record Written(List<SegmentInfo> segments, InMemoryObjectStorage storage) {
    }

    private Written write(int rows, long segmentRows) throws Exception {
        InMemoryObjectStorage storage = new InMemoryObjectStorage(() -> 0L);
        List<SegmentInfo> segments = new CopyOnWriteArrayList<>();
        ExecutorService builders = Executors.newFixedThreadPool(2);
        try {
            ImportSegments writer = new ImportSegments(spec, "job", "hot", POSITIONS, new SegmentFiles(registry, 1_000, 0.01), storage::put,
                    builders, 2, Long.MAX_VALUE, segmentRows, 5_000, segments::add);
            for (long pk = 0; pk < rows; pk++) {
                writer.add(new ImportRow(pk, InsertLogEncoder.vector(new float[] {pk, -pk}), Map.of("price", pk * 1.5)));
            }
            writer.finish();
        } finally {
            builders.shutdownNow();
        }
        segments.sort(Comparator.comparingLong(SegmentInfo::getId));
        return new Written(segments, storage);
    }

    @Test
    void everyRowGoesToTheChannelAProducerKeyingItsPkWouldWriteTo() throws Exception {
        Written written = write(400, 1_000);
        Map<Integer, List<Long>> expected = new TreeMap<>();
        for (long pk = 0; pk < 400; pk++) {
            expected.computeIfAbsent(PrimaryKeys.channel(PrimaryKeys.encode(pk), 4), c -> new ArrayList<>()).add(pk);
        }
        Map<Integer, List<Long>> found = new TreeMap<>();
        for (SegmentInfo segment : written.segments()) {
            for (String log : segment.getInsertLogPaths()) {
                for (GenericRecord row : AvroFiles.<GenericRecord>read(written.storage().get(log))) {
                    found.computeIfAbsent(segment.getChannel(), c -> new ArrayList<>()).add((Long) row.get(DmlSchemas.PK));
                    assertThat(row.get(DmlSchemas.POSITION)).isEqualTo(POSITIONS.get(segment.getChannel()));
                    assertThat((Double) row.get("price")).isEqualTo((Long) row.get(DmlSchemas.PK) * 1.5);
                }
            }
        }
        assertThat(found).isEqualTo(expected);
        assertThat(expected).hasSize(4);
    }

    @Test
    void segmentsAreImportingAtTheJobsPositionCutAtTheirSizeAndNamedByPositionAndRank() throws Exception {
        Written written = write(400, 40);
        Map<Integer, Long> rowsPerChannel = new HashMap<>();
        for (SegmentInfo segment : written.segments()) {
            long position = POSITIONS.get(segment.getChannel());
            assertThat(segment.getState()).isEqualTo(SegmentState.IMPORTING);
            assertThat(segment.getImportId()).isEqualTo("job");
            assertThat(segment.getPartition()).isEqualTo("hot");
            assertThat(segment.getMinPosition()).isEqualTo(position);
            assertThat(segment.getMaxPosition()).isEqualTo(position);
            assertThat(segment.getRows()).isBetween(1L, 40L);
            assertThat(segment.getId() >>> ImportIds.RANK_BITS + 8 & (1L << ImportIds.POSITION_BITS) - 1).isEqualTo(position);
            rowsPerChannel.merge(segment.getChannel(), segment.getRows(), Long::sum);
        }
        assertThat(rowsPerChannel.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(400);
        assertThat(written.segments()).extracting(SegmentInfo::getId).doesNotHaveDuplicates();
    }

    @Test
    void aSecondRunOfTheSameRowsWritesTheSameSegmentsAndRows() throws Exception {
        Written first = write(300, 50);
        Written second = write(300, 50);
        assertThat(second.segments()).isEqualTo(first.segments());
        for (SegmentInfo segment : first.segments()) {
            for (String log : segment.getInsertLogPaths()) {
                assertThat(AvroFiles.<GenericRecord>read(second.storage().get(log)))
                        .isEqualTo(AvroFiles.<GenericRecord>read(first.storage().get(log)));
            }
        }
    }
}
