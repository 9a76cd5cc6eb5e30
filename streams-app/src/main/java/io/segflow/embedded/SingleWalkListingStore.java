package io.segflow.embedded;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.SdkResponses;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Serves every page of one listing from a single walk of the store. S3Proxy's filesystem store walks every object
 * under the prefix's folder for each page of at most 1,000 keys, so a listing of N objects cost about N²/1,000
 * object reads; here the first page walks once and keeps what follows it, and each later page is cut from that,
 * keeping only the objects that still exist (a delete between pages is not listed, as on S3). Objects written after
 * the first page are not listed: a listing is the state at its start. A continuation this store did not hand out,
 * one kept longer than {@link #KEPT_FOR} or one evicted to keep {@link #KEPT_ENTRIES} is passed to the store as it
 * is, which walks again.
 */
final class SingleWalkListingStore extends ForwardingBlobStore {
    private static final Duration KEPT_FOR = Duration.ofMinutes(2);
    private static final int MAX_KEYS = 1000;
    /** Entries of the listings kept between pages, about 200 bytes each; a larger listing walks for every page. */
    private static final long KEPT_ENTRIES = 500_000;

    private record Continuation(String bucket, String prefix, String delimiter, String token) {
        static Continuation of(ListObjectsV2Request request, String token) {
            return new Continuation(request.bucket(), request.prefix(), request.delimiter(), token);
        }
    }

    /** An object or, when {@code object} is null, a common prefix, in S3's order of the two together. */
    private record Entry(String name, S3Object object) {
        static final Comparator<Entry> ORDER = Comparator.comparing(Entry::name);
    }

    /** What follows a page: {@code entries} from {@code next} on (the whole walk stays in memory until its last page). */
    private record Rest(List<Entry> entries, int next) {
    }

    // one segment, so that the weight bounds the whole cache rather than a quarter of it per segment
    private final Cache<Continuation, Rest> rests = CacheBuilder.newBuilder().concurrencyLevel(1)
            .maximumWeight(KEPT_ENTRIES).weigher((Continuation continuation, Rest rest) -> rest.entries().size())
            .expireAfterWrite(KEPT_FOR).build();

    SingleWalkListingStore(BlobStore store) {
        super(store);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        int maxKeys = request.maxKeys() == null ? MAX_KEYS : request.maxKeys();
        if (maxKeys <= 0) {
            return delegate().list(request);
        }
        if (request.continuationToken() == null) {
            ListObjectsV2Response all = delegate().list(request.toBuilder().maxKeys(null).build());
            List<Entry> entries = new ArrayList<>(all.contents().size() + all.commonPrefixes().size());
            all.contents().forEach(object -> entries.add(new Entry(object.key(), object)));
            all.commonPrefixes().forEach(prefix -> entries.add(new Entry(prefix.prefix(), null)));
            entries.sort(Entry.ORDER);
            return page(request, entries, 0, maxKeys, entry -> true);
        }
        Rest rest = rests.asMap().remove(Continuation.of(request, request.continuationToken()));
        if (rest == null) {
            return delegate().list(request);
        }
        return page(request, rest.entries(), rest.next(), maxKeys, entry -> entry.object() == null || delegate().blobExists(request.bucket(), entry.name()));
    }

    /** The first {@code maxKeys} of {@code entries} from {@code from} on that are {@code listed}; what follows them is kept for the next page. */
    private ListObjectsV2Response page(ListObjectsV2Request request, List<Entry> entries, int from, int maxKeys, Predicate<Entry> listed) {
        List<S3Object> contents = new ArrayList<>();
        List<CommonPrefix> prefixes = new ArrayList<>();
        String last = null;
        int next = from;
        while (next < entries.size() && contents.size() + prefixes.size() < maxKeys) {
            Entry entry = entries.get(next++);
            if (!listed.test(entry)) {
                continue;
            }
            if (entry.object() != null) {
                contents.add(entry.object());
            } else {
                prefixes.add(SdkResponses.commonPrefix(entry.name()));
            }
            last = entry.name();
        }
        String token = null;
        if (next < entries.size()) {
            token = last;
            rests.put(Continuation.of(request, token), new Rest(entries, next));
        }
        return SdkResponses.objectsPage(contents, prefixes, token);
    }
}
