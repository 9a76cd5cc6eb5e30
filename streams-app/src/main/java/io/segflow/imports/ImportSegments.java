package io.segflow.imports;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.segment.FlushResult;
import io.segflow.segment.StoredRow;
import io.segflow.storage.FlushJob;
import io.segflow.storage.SegmentFiles;
import io.segflow.storage.WriteBehind;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.avro.generic.GenericRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes a job's rows to channels by the producers' rule ({@code murmur2(pk) % channels}) and
 * writes each channel's rows as segments of at most {@code segmentBytes} (and
 * {@code segmentRows}), state Importing, at the job's position in the channel. What it writes
 * depends only on the rows, their order and the job, so a resumed job writes the same segments.
 */
public final class ImportSegments {
    /** Where a segment's entry goes once its files are in the bucket: to its channel. */
    @FunctionalInterface
    public interface Sink {
        void written(SegmentInfo segment) throws Exception;
    }

    private final CollectionSpec spec;
    private final String importId;
    private final String partition;
    private final Map<Integer, Long> positions;
    private final SegmentFiles files;
    private final WriteBehind writes;
    private final Serializer<GenericRecord> values;
    private final DmlRecords records;
    private final String topic;
    private final long segmentBytes;
    private final long segmentRows;
    private final long eventMs;
    private final Sink sink;
    private final Map<Integer, Buffer> buffers = new HashMap<>();

    private static final class Buffer {
        final List<StoredRow> rows = new ArrayList<>();
        long bytes;
        int rank;
    }

    /**
     * @param positions the job's position in every channel
     * @param writes    puts the files, overlapping with the encoding of the next ones
     * @param eventMs   the rows' event time: the job's creation, the same on every attempt
     */
    public ImportSegments(CollectionSpec spec, String importId, String partition, Map<Integer, Long> positions, SegmentFiles files,
                          WriteBehind writes, Serializer<GenericRecord> values, long segmentBytes, long segmentRows, long eventMs,
                          Sink sink) {
        this.spec = spec;
        this.importId = importId;
        this.partition = partition;
        this.positions = positions;
        this.files = files;
        this.writes = writes;
        this.values = values;
        this.records = new DmlRecords(spec);
        this.topic = DmlSchemas.dmlTopic(spec.getName());
        this.segmentBytes = segmentBytes;
        this.segmentRows = segmentRows;
        this.eventMs = eventMs;
        this.sink = sink;
    }

    /** The channel a row goes to: the partition a producer keying the event by its pk writes to. */
    public static int channel(Object pk, int channels) {
        return PrimaryKeys.channel(PrimaryKeys.encode(pk), channels);
    }

    public void add(ImportRow row) throws Exception {
        int channel = channel(row.pk(), spec.getChannels());
        byte[] value = values.serialize(topic, records.insert(row.pk(), partition, row.vector(), row.scalars()));
        StoredRow stored = new StoredRow(positions.get(channel), eventMs, PrimaryKeys.encode(row.pk()), value);
        Buffer buffer = buffers.computeIfAbsent(channel, c -> new Buffer());
        buffer.rows.add(stored);
        buffer.bytes += stored.storedBytes();
        if (buffer.bytes >= segmentBytes || buffer.rows.size() >= segmentRows) {
            write(channel, buffer);
        }
    }

    /** Writes what every channel still holds. */
    public void finish() throws Exception {
        for (Map.Entry<Integer, Buffer> buffer : new HashMap<>(buffers).entrySet()) {
            if (!buffer.getValue().rows.isEmpty()) {
                write(buffer.getKey(), buffer.getValue());
            }
        }
    }

    private void write(int channel, Buffer buffer) throws Exception {
        long position = positions.get(channel);
        long id = ImportIds.segmentId(position, buffer.rank++, channel);
        FlushJob job = new FlushJob(spec, channel, id, SegmentLevel.L1, List.copyOf(buffer.rows), List.of(), pk -> -1);
        buffer.rows.clear();
        buffer.bytes = 0;
        FlushResult result = files.build(job, writes::put);
        writes.await();
        sink.written(SegmentInfo.newBuilder().setId(id).setCollection(spec.getName()).setChannel(channel).setPartition(partition)
                .setLevel(SegmentLevel.L1).setState(SegmentState.IMPORTING).setRows(result.rows()).setBytes(result.bytes())
                .setMinPosition(position).setMaxPosition(position).setMinPk(result.minPk()).setMaxPk(result.maxPk())
                .setCreatedAtMs(eventMs).setLastWriteMs(eventMs).setSchemaVersion(result.schemaVersion())
                .setInsertLogPaths(result.insertLogs()).setDeltaLogPaths(List.of()).setStatsLogPath(result.statsLog())
                .setMinEventMs(result.minEventMs()).setMaxEventMs(result.maxEventMs()).setImportId(importId).build());
    }
}
