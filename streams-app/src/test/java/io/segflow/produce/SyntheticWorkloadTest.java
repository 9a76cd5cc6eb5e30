package io.segflow.produce;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SyntheticWorkloadTest {
    private static final CollectionSpec SPEC = CollectionSpec.newBuilder().setName("items").setPkType(PkType.INT64).setDim(4)
            .setChannels(2).setFields(List.of(FieldSpec.newBuilder().setName("price").setType(ScalarType.DOUBLE).build()))
            .setPartitions(List.of("_default", "hot")).setCreatedAtMs(0).build();

    @Test
    void theSameSeedGivesTheSameEvents() {
        List<SyntheticWorkload.Event> first = events(new SyntheticWorkload(SPEC, 7, 0.2, 0.2, 0), 500);
        List<SyntheticWorkload.Event> second = events(new SyntheticWorkload(SPEC, 7, 0.2, 0.2, 0), 500);

        assertThat(first).hasSize(500);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).op()).isEqualTo(first.get(i).op());
            assertThat(second.get(i).pk()).isEqualTo(first.get(i).pk());
            assertThat(second.get(i).vector()).isEqualTo(first.get(i).vector());
        }
    }

    @Test
    void deletesAndUpsertsOnlyTouchLiveKeysAndInsertsTakeFreshOnes() {
        SyntheticWorkload workload = new SyntheticWorkload(SPEC, 11, 0.3, 0.2, 100);
        Set<Object> live = new HashSet<>();
        Set<Object> everInserted = new HashSet<>();
        for (SyntheticWorkload.Event event : events(workload, 5_000)) {
            switch (event.op()) {
                case INSERT -> {
                    assertThat(everInserted.add(event.pk())).as("fresh key %s", event.pk()).isTrue();
                    live.add(event.pk());
                }
                case DELETE -> assertThat(live.remove(event.pk())).as("live key %s", event.pk()).isTrue();
                case UPSERT -> assertThat(live).contains(event.pk());
            }
        }
        assertThat(workload.liveCount()).isEqualTo(live.size());
        assertThat(everInserted).allSatisfy(pk -> assertThat((Long) pk).isGreaterThanOrEqualTo(100L));
    }

    @Test
    void theMixFollowsTheRatios() {
        Map<DmlOp, Integer> counts = new EnumMap<>(DmlOp.class);
        events(new SyntheticWorkload(SPEC, 3, 0.1, 0.3, 0), 20_000).forEach(e -> counts.merge(e.op(), 1, Integer::sum));

        assertThat(counts.get(DmlOp.DELETE) / 20_000.0).isCloseTo(0.1, within(0.02));
        assertThat(counts.get(DmlOp.UPSERT) / 20_000.0).isCloseTo(0.3, within(0.02));
    }

    @Test
    void rowsCarryAVectorOfTheDimensionAndEveryScalar() {
        SyntheticWorkload.Event insert = new SyntheticWorkload(SPEC, 1, 0, 0, 0).next();

        assertThat(insert.vector()).hasSize(4);
        for (float value : insert.vector()) {
            assertThat(value).isBetween(-1f, 1f);
        }
        assertThat(insert.scalars()).containsOnlyKeys("price");
        assertThat(insert.partition()).isIn("_default", "hot");
    }

    @Test
    void varcharKeysAreStrings() {
        CollectionSpec named = CollectionSpec.newBuilder(SPEC).setPkType(PkType.VARCHAR).build();

        assertThat(new SyntheticWorkload(named, 1, 0, 0, 5).next().pk()).isEqualTo("pk-5");
    }

    @Test
    void ratiosAddingUpToMoreThanOneAreRefused() {
        assertThatThrownBy(() -> new SyntheticWorkload(SPEC, 1, 0.6, 0.6, 0)).hasMessageContaining("add up to at most 1");
    }

    private static List<SyntheticWorkload.Event> events(SyntheticWorkload workload, int count) {
        List<SyntheticWorkload.Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(workload.next());
        }
        return events;
    }
}
