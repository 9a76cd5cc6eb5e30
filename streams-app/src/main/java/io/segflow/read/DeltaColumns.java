package io.segflow.read;

import io.segflow.schema.DeltaEntry;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.storage.AvroFiles;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** A delta log decoded once: plain keys and the positions of their deletes. */
final class DeltaColumns implements DecodedFiles.Weighted {
    private final ByteBuffer[] keys;
    private final long[] positions;

    private DeltaColumns(ByteBuffer[] keys, long[] positions) {
        this.keys = keys;
        this.positions = positions;
    }

    static DeltaColumns of(byte[] file) {
        List<DeltaEntry> entries = AvroFiles.read(file, DeltaEntry.class);
        ByteBuffer[] keys = new ByteBuffer[entries.size()];
        long[] positions = new long[entries.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ByteBuffer.wrap(PrimaryKeys.encode(PrimaryKeys.plain(entries.get(i).getPk())));
            positions[i] = entries.get(i).getPosition();
        }
        return new DeltaColumns(keys, positions);
    }

    /** Adds each delete to {@code newest} (key → newest delete position). */
    void mergeInto(Map<ByteBuffer, Long> newest) {
        for (int i = 0; i < keys.length; i++) {
            newest.merge(keys[i], positions[i], Math::max);
        }
    }

    @Override
    public int weight() {
        return keys.length * 96;
    }
}
