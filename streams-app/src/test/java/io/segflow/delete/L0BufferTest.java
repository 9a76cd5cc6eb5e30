package io.segflow.delete;

import io.segflow.schema.DeltaEntry;
import io.segflow.schema.PkType;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.seal.L0Batch;
import io.segflow.testing.TestStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The delete buffer on a real (in-memory) Streams store: pending counts, cuts into L0 segments, removal and restart. */
class L0BufferTest {
    private KeyValueStore<Long, byte[]> store;
    private L0Buffer buffer;

    @BeforeEach
    void open() {
        store = TestStores.inMemory("l0", Serdes.Long(), Serdes.ByteArray());
        buffer = new L0Buffer(store);
        buffer.restore(-1, 0);
    }

    private static byte[] pk(long key) {
        return PrimaryKeys.encode(key);
    }

    @Test
    void pendingDeletesAreCountedAndTheNewestDeleteOfAKeyWins() {
        buffer.add(pk(7), 10, 1000);
        buffer.add(pk(8), 12, 2000);
        buffer.add(pk(7), 15, 3000);
        assertThat(buffer.pendingEntries()).isEqualTo(3);
        assertThat(buffer.pendingBytes()).isEqualTo(3 * (pk(7).length + Long.BYTES));
        assertThat(buffer.oldestPendingMs()).isEqualTo(1000);
        assertThat(buffer.pending()).contains(new L0Batch(10, 15, 3, buffer.pendingBytes()));
        assertThat(buffer.newestDelete(pk(7))).isEqualTo(15);
        assertThat(buffer.newestDelete(pk(9))).isEqualTo(-1);
        assertThat(buffer.highestPosition()).isEqualTo(15);
    }

    @Test
    void aCutAssignsThePendingDeletesToAnL0SegmentThatKeepsHidingRowsUntilItsFlush() {
        buffer.add(pk(1), 10, 1000);
        buffer.add(pk(2), 11, 1000);
        L0Batch batch = buffer.cut();
        assertThat(batch).isEqualTo(new L0Batch(10, 11, 2, 2L * (pk(1).length + Long.BYTES)));
        assertThat(buffer.pending()).isEmpty();
        assertThat(buffer.cutThrough()).isEqualTo(11);
        assertThat(buffer.newestDelete(pk(1))).as("still buffered until the L0 segment is flushed").isEqualTo(10);
        assertThat(buffer.entries(10, 11, PkType.INT64)).extracting(DeltaEntry::getPosition).containsExactly(10L, 11L);
        buffer.add(pk(3), 20, 5000);
        assertThat(buffer.oldestPendingMs()).as("the age of the next batch starts with its first delete").isEqualTo(5000);
        buffer.remove(batch.minPosition(), batch.maxPosition());
        assertThat(buffer.newestDelete(pk(1))).isEqualTo(-1);
        assertThat(buffer.firstPosition()).as("readers scan from past the removed entries").isEqualTo(12);
        assertThat(store.get(10L)).isNull();
        assertThat(buffer.pendingEntries()).isOne();
        assertThatThrownBy(() -> {
            buffer.cut();
            buffer.cut();
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("no pending deletes");
    }

    @Test
    void aRemovedOlderDeleteDoesNotHideANewerOneOfTheSameKey() {
        buffer.add(pk(1), 10, 0);
        L0Batch first = buffer.cut();
        buffer.add(pk(1), 30, 0);
        buffer.remove(first.minPosition(), first.maxPosition());
        assertThat(buffer.newestDelete(pk(1))).isEqualTo(30);
    }

    @Test
    void aRestartCountsDeletesPastTheLastCutAsPendingAgainFromNow() {
        buffer.add(pk(1), 10, 0);
        buffer.add(pk(2), 11, 0);
        buffer.cut();
        buffer.add(pk(3), 12, 0);
        L0Buffer restarted = new L0Buffer(store);
        restarted.restore(11, 9000);
        assertThat(restarted.pendingEntries()).isOne();
        assertThat(restarted.pending()).hasValueSatisfying(b -> assertThat(b.minPosition()).isEqualTo(12));
        assertThat(restarted.oldestPendingMs()).isEqualTo(9000);
        assertThat(restarted.newestDelete(pk(1))).as("cut, not yet flushed: still hides its rows").isEqualTo(10);
        assertThat(restarted.firstPosition()).isEqualTo(10);
        assertThat(restarted.highestPosition()).isEqualTo(12);
    }
}
