package io.segflow.read;

import org.apache.kafka.streams.errors.InvalidStateStoreException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.storage.FilePins;
import io.segflow.http.Peers;
import io.segflow.fanout.Queryable;
import io.segflow.collection.CollectionService;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.ingest.CollectionPipelines;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.storage.ObjectPaths;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Count, get by primary key and top-k search over a collection's live rows. Each instance reads
 * the channels it holds from one consistent snapshot per channel (growing rows, flushed segments,
 * deletes and TTL by the position rule), with the snapshot's files pinned while it reads them,
 * and asks the other instances for theirs; an answer that does not cover every channel it needs
 * is an error, never a partial result.
 */
public final class ReadService {
    /** What one instance read: the result and the channels it covers. */
    public record Count(long count, Set<Integer> channels) {
    }

    public record Rows(Object pk, List<ReadRow> rows, Set<Integer> channels) {
    }

    public record Hit(Object pk, double distance, String partition, int channel, long position, long segmentId) {
    }

    public record Hits(List<Hit> hits, Set<Integer> channels) {
    }

    private final CollectionPipelines pipelines;
    private final CollectionService collections;
    private final SchemaRegistryClient registry;
    private final DecodedFiles files;
    private final FlushedDeletes flushedDeletes;
    private final FilePins pins;
    private final Peers peers;
    private final ObjectMapper json;
    private final Clock clock;

    public ReadService(CollectionPipelines pipelines, CollectionService collections, SchemaRegistryClient registry, DecodedFiles files,
                       FilePins pins, ObjectMapper json, Clock clock) {
        this.pipelines = pipelines;
        this.collections = collections;
        this.registry = registry;
        this.files = files;
        this.flushedDeletes = new FlushedDeletes(files);
        this.pins = pins;
        this.peers = new Peers(json);
        this.json = json;
        this.clock = clock;
    }

    public Count count(String collection, boolean localOnly) {
        long[] count = {0};
        RowFilter all = new RowFilter(null, Map.of());
        Set<Integer> channels = scanLocal(collection, null, all, all::mayMatch, (segment, rows, row) -> count[0]++);
        if (!localOnly) {
            for (JsonNode answer : askPeers(collection, null, "count")) {
                Count peer = json.convertValue(answer, Count.class);
                count[0] += peer.count();
                channels.addAll(peer.channels());
            }
            requireAll(collection, channels, allChannels(collection));
        }
        return new Count(count[0], channels);
    }

    /** The live rows of primary key {@code pkText}; only the channel the key hashes to is read. */
    public Rows get(String collection, String pkText, boolean localOnly) {
        CollectionSpec spec = collections.get(collection);
        Object pk = parsePk(spec.getPkType(), pkText);
        byte[] key = PrimaryKeys.encode(pk);
        int channel = PrimaryKeys.channel(key, spec.getChannels());
        RowFilter byKey = new RowFilter(null, Map.of("pk", pk));
        List<ReadRow> rows = new ArrayList<>();
        Set<Integer> channels = scanLocal(collection, channel, byKey, segment -> byKey.mayMatch(segment) && mayHold(segment, key),
                (segment, columns, row) -> rows.add(columns.row(row, channel, segment, spec.getFields())));
        if (!localOnly && !channels.contains(channel)) {
            for (JsonNode answer : askPeers(collection, null, "rows", pkText)) {
                Rows peer = json.convertValue(answer, Rows.class);
                rows.addAll(peer.rows());
                channels.addAll(peer.channels());
            }
            requireAll(collection, channels, Set.of(channel));
        }
        rows.sort(Comparator.comparingLong(ReadRow::position));
        return new Rows(pk, rows, channels);
    }

    public Hits search(String collection, SearchRequest request, boolean localOnly) {
        CollectionSpec spec = collections.get(collection);
        if (request.vector() == null || request.vector().length != spec.getDim()) {
            throw new IllegalArgumentException("the query vector must have " + spec.getDim() + " values");
        }
        if (request.topK() < 1 || request.topK() > SearchRequest.MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + SearchRequest.MAX_K + ", not " + request.topK());
        }
        Metric metric = request.metricOrDefault();
        Comparator<Hit> best = bestFirst(metric);
        PriorityQueue<Hit> top = new PriorityQueue<>(best.reversed());
        Consumer<Hit> offer = hit -> {
            top.add(hit);
            if (top.size() > request.topK()) {
                top.poll();
            }
        };
        RowFilter filter = new RowFilter(request.partition(), request.filterOrEmpty(), spec.getClusteringKey());
        Set<Integer> channels = scanLocal(collection, null, filter, filter::mayMatch, (segment, rows, row) -> {
            double distance = rows.distance(metric, request.vector(), row);
            // Most rows lose to the worst of a full top k; only the others become hits.
            if (top.size() < request.topK() || !metric.closer(top.peek().distance(), distance)) {
                offer.accept(new Hit(rows.pk(row), distance, segment.getPartition(), segment.getChannel(), rows.position(row),
                        segment.getId()));
            }
        });
        if (!localOnly) {
            for (JsonNode answer : askPeers(collection, request, "search")) {
                Hits peer = json.convertValue(answer, Hits.class);
                peer.hits().forEach(offer);
                channels.addAll(peer.channels());
            }
            requireAll(collection, channels, allChannels(collection));
        }
        return new Hits(top.stream().sorted(best).toList(), channels);
    }

    /** Best match first; ties by key and position, so every instance orders alike. */
    private static Comparator<Hit> bestFirst(Metric metric) {
        Comparator<Hit> byDistance = Comparator.comparingDouble(Hit::distance);
        return (metric == Metric.L2 ? byDistance : byDistance.reversed())
                .thenComparing(hit -> String.valueOf(hit.pk())).thenComparingLong(Hit::position);
    }

    /** Whether {@code segment} may hold primary key {@code key}, by its bloom filter. */
    private boolean mayHold(SegmentInfo segment, byte[] key) {
        return segment.getState() != SegmentState.FLUSHED || segment.getStatsLogPath() == null
                || files.bloom(segment.getStatsLogPath()).mightContain(key);
    }

    /**
     * Reads the live rows {@code filter} matches in the segments {@code include} accepts, from the
     * local channels (or only {@code onlyChannel}, if local); returns the channels read.
     */
    private Set<Integer> scanLocal(String collection, Integer onlyChannel, RowFilter filter, Predicate<SegmentInfo> include,
                                   LiveRows.Visitor out) {
        CollectionPipeline pipeline = pipelines.ensure(collection);
        CollectionSpec spec = collections.get(collection);
        LiveRows live = new LiveRows(spec, new DmlDecoder(spec, registry), files, flushedDeletes, clock.millis());
        LiveRows.Visitor matching = !filter.hasConditions() ? out : (segment, rows, row) -> {
            if (filter.matches(rows.pk(row), name -> rows.field(name, row))) {
                out.accept(segment, rows, row);
            }
        };
        Set<Integer> channels = new TreeSet<>(Queryable.query(pipeline, pipeline::localChannels));
        if (onlyChannel != null) {
            channels.retainAll(Set.of(onlyChannel));
        }
        for (int channel : channels) {
            ChannelSnapshot snapshot = Queryable.query(pipeline, () -> SnapshotReader.read(pipeline, channel));
            try (FilePins.Pin pin = pins.pin(paths(snapshot))) {
                live.forEach(snapshot, include, matching);
            }
        }
        return channels;
    }

    private static List<String> paths(ChannelSnapshot snapshot) {
        List<String> paths = new ArrayList<>();
        snapshot.flushed().forEach(segment -> paths.addAll(ObjectPaths.files(segment)));
        snapshot.flushedL0().forEach(segment -> paths.addAll(ObjectPaths.files(segment)));
        return paths;
    }

    /** The local answers of the other instances to {@code /collections/C/<segments>}, a GET or (with a body) a POST. */
    private List<JsonNode> askPeers(String collection, Object body, String... segments) {
        List<JsonNode> answers = new ArrayList<>();
        String[] path = new String[segments.length + 2];
        path[0] = "collections";
        path[1] = collection;
        System.arraycopy(segments, 0, path, 2, segments.length);
        for (HostInfo peer : pipelines.ensure(collection).otherInstances()) {
            String uri = Peers.path(path) + "?scope=local";
            answers.add(body == null ? peers.get(peer, uri) : peers.post(peer, uri, body));
        }
        return answers;
    }

    private Set<Integer> allChannels(String collection) {
        return IntStream.range(0, collections.get(collection).getChannels()).boxed().collect(Collectors.toSet());
    }

    private static void requireAll(String collection, Set<Integer> answered, Set<Integer> needed) {
        if (!answered.containsAll(needed)) {
            Set<Integer> missing = new TreeSet<>(needed);
            missing.removeAll(answered);
            throw new InvalidStateStoreException("channels " + missing + " of " + collection
                    + " are not held by any instance right now (a rebalance is under way); try again");
        }
    }

    private static Object parsePk(PkType type, String text) {
        if (type == PkType.VARCHAR) {
            return text;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("primary key " + text + " is not an INT64");
        }
    }
}
