package io.segflow.testing;

import io.segflow.storage.ObjectStorage;
import io.segflow.storage.StorageException;
import io.segflow.storage.StoredObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * A bucket in memory, for topology tests that exercise Segflow's logic, not the S3 protocol
 * (which the integration tests reach through the embedded S3 server). Thread-safe: uploads,
 * workers and garbage collection use it from their own threads.
 */
public final class InMemoryObjectStorage implements ObjectStorage {
    private record Stored(byte[] bytes, long modifiedMs) {
    }

    private final Map<String, Stored> objects = new ConcurrentSkipListMap<>();
    private final LongSupplier clock;

    public InMemoryObjectStorage(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public String bucket() {
        return "memory";
    }

    @Override
    public void ensureBucket() {
    }

    @Override
    public byte[] get(String object) {
        return find(object).orElseThrow(() -> new StorageException("cannot read memory://" + object + ": no such object", null));
    }

    @Override
    public Optional<byte[]> find(String object) {
        return Optional.ofNullable(objects.get(object)).map(stored -> stored.bytes().clone());
    }

    @Override
    public InputStream open(String object) {
        return new ByteArrayInputStream(get(object));
    }

    @Override
    public long size(String object) {
        return get(object).length;
    }

    @Override
    public InputStream open(String object, long offset, long length) {
        byte[] bytes = get(object);
        return new ByteArrayInputStream(bytes, (int) offset, (int) Math.min(length, bytes.length - offset));
    }

    @Override
    public void upload(String object, InputStream in, long size) throws IOException {
        put(object, in.readNBytes((int) size));
    }

    @Override
    public void put(String object, byte[] bytes) {
        objects.put(object, new Stored(bytes.clone(), clock.getAsLong()));
    }

    @Override
    public void remove(String object) {
        objects.remove(object);
    }

    @Override
    public List<StoredObject> list(String prefix) {
        return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(e -> new StoredObject(e.getKey(), e.getValue().bytes().length, e.getValue().modifiedMs())).toList();
    }

    @Override
    public boolean bucketExists() {
        return true;
    }

    @Override
    public void close() {
    }
}
