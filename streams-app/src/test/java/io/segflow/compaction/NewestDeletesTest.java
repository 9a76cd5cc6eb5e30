package io.segflow.compaction;

import io.segflow.schema.DeltaEntry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

class NewestDeletesTest {
    private final Random random = new Random(5);

    @Test
    void findsTheNewestDeleteOfEveryIntegerKeyAndNoneOfOthers() {
        assertNewestAsWorkedOutByKey(pk -> pk);
    }

    @Test
    void findsTheNewestDeleteOfEveryStringKeyAndNoneOfOthers() {
        assertNewestAsWorkedOutByKey(pk -> "k" + pk);
    }

    @Test
    void anIntegerKeyIsNotAStringKeyOfTheSameDigits() {
        NewestDeletes byLong = NewestDeletes.of(List.of(delete(7L, 3)));
        NewestDeletes byString = NewestDeletes.of(List.of(delete("7", 3)));

        assertThat(byLong.newest(7L)).isEqualTo(3);
        assertThat(byLong.newest("7")).isEqualTo(-1);
        assertThat(byString.newest("7")).isEqualTo(3);
        assertThat(byString.newest(7L)).isEqualTo(-1);
        assertThat(NewestDeletes.of(List.of()).newest(7L)).isEqualTo(-1);
    }

    /** Deletes of few keys, each deleted several times in random order, against the newest position worked out here. */
    private void assertNewestAsWorkedOutByKey(LongFunction<Object> key) {
        List<DeltaEntry> deletes = new ArrayList<>();
        Map<Object, Long> newest = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            Object pk = key.apply(random.nextInt(1_000) - 500);
            long position = random.nextInt(1_000_000);
            deletes.add(delete(pk, position));
            newest.merge(pk, position, Math::max);
        }

        NewestDeletes index = NewestDeletes.of(deletes);

        assertThat(index.size()).isEqualTo(newest.size());
        for (long pk = -600; pk < 600; pk++) {
            assertThat(index.newest(key.apply(pk))).as("key %s", key.apply(pk)).isEqualTo(newest.getOrDefault(key.apply(pk), -1L));
        }
    }

    private static DeltaEntry delete(Object pk, long position) {
        return DeltaEntry.newBuilder().setPk(pk).setPosition(position).build();
    }
}
