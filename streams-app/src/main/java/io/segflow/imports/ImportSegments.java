package io.segflow.imports;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.segment.FlushResult;
import io.segflow.storage.InsertLogEncoder;
import io.segflow.storage.SegmentFiles;
import io.segflow.storage.SegmentFiles.EncodedRow;
import io.segflow.storage.WriteBehind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

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
    private final WriteBehind.Put put;
    private final ExecutorService builders;
    private final Semaphore slots;
    private final List<Future<?>> building = new ArrayList<>();
    private final InsertLogEncoder encoder;
    private final long segmentBytes;
    private final long segmentRows;
    private final long eventMs;
    private final Sink sink;
    private final Map<Integer, Buffer> buffers = new HashMap<>();

    private static final class Buffer {
        final List<EncodedRow> rows = new ArrayList<>();
        long bytes;
        int rank;
    }

    /**
     * @param positions the job's position in every channel
     * @param put       writes a file to the bucket
     * @param builders  encode and put the segments cut, {@code parallel} at most at a time, while the caller reads on
     * @param eventMs   the rows' event time: the job's creation, the same on every attempt
     */
    public ImportSegments(CollectionSpec spec, String importId, String partition, Map<Integer, Long> positions, SegmentFiles files,
                          WriteBehind.Put put, ExecutorService builders, int parallel, long segmentBytes, long segmentRows, long eventMs,
                          Sink sink) {
        this.spec = spec;
        this.importId = importId;
        this.partition = partition;
        this.positions = positions;
        this.files = files;
        this.put = put;
        this.builders = builders;
        this.slots = new Semaphore(parallel);
        this.encoder = new InsertLogEncoder(spec);
        this.segmentBytes = segmentBytes;
        this.segmentRows = segmentRows;
        this.eventMs = eventMs;
        this.sink = sink;
    }

    /** The channel a row goes to: the partition a producer keying the event by its pk writes to. */
    public static int channel(Object pk, int channels) {
        return PrimaryKeys.channel(PrimaryKeys.encode(pk), channels);
    }

    /** Buffers the row in its channel, already in the insert-log encoding, and cuts a segment when the buffer is full. */
    public void add(ImportRow row) throws Exception {
        byte[] pk = PrimaryKeys.encode(row.pk());
        int channel = PrimaryKeys.channel(pk, spec.getChannels());
        byte[] encoded = encoder.encode(positions.get(channel), row.pk(), eventMs, row.vector(), row.scalars());
        Buffer buffer = buffers.computeIfAbsent(channel, c -> new Buffer());
        buffer.rows.add(new EncodedRow(pk, eventMs, encoded));
        buffer.bytes += pk.length + encoded.length;
        if (buffer.bytes >= segmentBytes || buffer.rows.size() >= segmentRows) {
            write(channel, buffer);
        }
    }

    /** Writes what every channel still holds, and returns once every segment is written and sent. */
    public void finish() throws Exception {
        for (Map.Entry<Integer, Buffer> buffer : new TreeMap<>(buffers).entrySet()) {
            if (!buffer.getValue().rows.isEmpty()) {
                write(buffer.getKey(), buffer.getValue());
            }
        }
        for (Future<?> segment : building) {
            waitFor(segment);
        }
        building.clear();
    }

    /** Cuts the buffer into a segment, named here so that the names follow the rows' order, and builds it on a builder. */
    private void write(int channel, Buffer buffer) throws Exception {
        long position = positions.get(channel);
        long id = ImportIds.segmentId(position, buffer.rank++, channel);
        List<EncodedRow> rows = List.copyOf(buffer.rows);
        buffer.rows.clear();
        buffer.bytes = 0;
        slots.acquire();
        try {
            building.add(builders.submit(() -> {
                try {
                    build(channel, id, rows, position);
                    return null;
                } finally {
                    slots.release();
                }
            }));
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        // A failed segment stops the job at the next cut, not at the end.
        for (Future<?> segment : building) {
            if (segment.isDone()) {
                waitFor(segment);
            }
        }
        building.removeIf(Future::isDone);
    }

    private void build(int channel, long id, List<EncodedRow> rows, long position) throws Exception {
        FlushResult result = files.buildEncoded(spec, channel, id, rows, put);
        sink.written(SegmentInfo.newBuilder().setId(id).setCollection(spec.getName()).setChannel(channel).setPartition(partition)
                .setLevel(SegmentLevel.L1).setState(SegmentState.IMPORTING).setRows(result.rows()).setBytes(result.bytes())
                .setMinPosition(position).setMaxPosition(position).setMinPk(result.minPk()).setMaxPk(result.maxPk())
                .setCreatedAtMs(eventMs).setLastWriteMs(eventMs).setSchemaVersion(result.schemaVersion())
                .setInsertLogPaths(result.insertLogs()).setDeltaLogPaths(List.of()).setStatsLogPath(result.statsLog())
                .setMinEventMs(result.minEventMs()).setMaxEventMs(result.maxEventMs()).setImportId(importId).build());
    }

    private static void waitFor(Future<?> segment) throws Exception {
        try {
            segment.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
