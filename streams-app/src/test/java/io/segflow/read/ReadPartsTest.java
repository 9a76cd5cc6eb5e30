package io.segflow.read;

import io.segflow.storage.FilePins;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReadPartsTest {
    private static final float[] A = {1, 0, 2};
    private static final float[] B = {0, 1, 2};

    @Test
    void metricsFollowMilvus() {
        assertThat(Metric.L2.distance(A, B)).isEqualTo(2.0);
        assertThat(Metric.IP.distance(A, B)).isEqualTo(4.0);
        assertThat(Metric.COSINE.distance(A, B)).isCloseTo(0.8, within(1e-9));
        assertThat(Metric.COSINE.distance(A, new float[3])).isZero();
        assertThat(Metric.L2.closer(1, 2)).isTrue();
        assertThat(Metric.IP.closer(1, 2)).isFalse();
        assertThat(Metric.COSINE.closer(0.9, 0.1)).isTrue();
    }

    @Test
    void filterTestsRowsOnFieldsAndKeys() {
        Map<String, Object> fields = Map.of("price", 10.5, "name", "x");
        assertThat(new RowFilter(null, Map.of("price", 10.5)).matches(42L, fields::get)).isTrue();
        assertThat(new RowFilter(null, Map.of("price", Map.of("gt", 10, "lte", 10.5))).matches(42L, fields::get)).isTrue();
        assertThat(new RowFilter(null, Map.of("price", Map.of("lt", 10.5))).matches(42L, fields::get)).isFalse();
        assertThat(new RowFilter(null, Map.of("name", "y")).matches(42L, fields::get)).isFalse();
        assertThat(new RowFilter(null, Map.of("pk", 42)).matches(42L, fields::get)).isTrue();
        assertThat(new RowFilter(null, Map.of("pk", 43)).matches(42L, fields::get)).isFalse();
        assertThat(new RowFilter(null, Map.of("missing", 1)).matches(42L, fields::get)).isFalse();
        assertThat(new RowFilter("p2", Map.of()).hasConditions()).isFalse();
    }

    @Test
    void metricsReadVectorsAtAnOffsetOfAFlatArray() {
        float[] flat = {9, 9, 9, 0, 1, 2};
        for (Metric metric : Metric.values()) {
            assertThat(metric.distance(A, flat, 3)).isEqualTo(metric.distance(A, B));
        }
    }

    @Test
    void filterRulesOutSegmentsByPartitionAndKeyRange() {
        SegmentInfo segment = SegmentInfo.newBuilder().setId(1).setCollection("c").setChannel(0).setPartition("p1")
                .setLevel(SegmentLevel.L1).setState(SegmentState.FLUSHED).setRows(10).setMinPosition(0).setMaxPosition(9)
                .setCreatedAtMs(0).setLastWriteMs(0).setMinPk(100L).setMaxPk(200L).build();
        assertThat(new RowFilter(null, Map.of("pk", 150)).mayMatch(segment)).isTrue();
        assertThat(new RowFilter(null, Map.of("pk", 99)).mayMatch(segment)).isFalse();
        assertThat(new RowFilter(null, Map.of("pk", Map.of("gt", 200))).mayMatch(segment)).isFalse();
        assertThat(new RowFilter(null, Map.of("pk", Map.of("gte", 200))).mayMatch(segment)).isTrue();
        assertThat(new RowFilter(null, Map.of("pk", Map.of("lt", 100))).mayMatch(segment)).isFalse();
        assertThat(new RowFilter("p2", Map.of()).mayMatch(segment)).isFalse();
        assertThat(new RowFilter(null, Map.of("price", 1)).mayMatch(segment)).isTrue();
    }

    @Test
    void filterRulesOutL2SegmentsByTheirClusteringKeyRange() {
        SegmentInfo l2 = SegmentInfo.newBuilder().setId(2).setCollection("c").setChannel(0).setPartition("p1")
                .setLevel(SegmentLevel.L2).setState(SegmentState.FLUSHED).setRows(10).setMinPosition(0).setMaxPosition(9)
                .setCreatedAtMs(0).setLastWriteMs(0).setClusteringMin(10.0).setClusteringMax(20.0).build();
        assertThat(new RowFilter(null, Map.of("price", 15), "price").mayMatch(l2)).isTrue();
        assertThat(new RowFilter(null, Map.of("price", 25), "price").mayMatch(l2)).isFalse();
        assertThat(new RowFilter(null, Map.of("price", Map.of("gt", 20)), "price").mayMatch(l2)).isFalse();
        assertThat(new RowFilter(null, Map.of("price", Map.of("gte", 20)), "price").mayMatch(l2)).isTrue();
        assertThat(new RowFilter(null, Map.of("price", Map.of("lt", 10)), "price").mayMatch(l2)).isFalse();
        assertThat(new RowFilter(null, Map.of("price", 25), null).mayMatch(l2)).as("no clustering key").isTrue();
        assertThat(new RowFilter(null, Map.of("name", "x"), "price").mayMatch(l2)).as("no condition on the key").isTrue();
        SegmentInfo l1 = SegmentInfo.newBuilder(l2).setLevel(SegmentLevel.L1).setClusteringMin(null).setClusteringMax(null).build();
        assertThat(new RowFilter(null, Map.of("price", 25), "price").mayMatch(l1)).as("no range recorded").isTrue();
    }

    @Test
    void pinsLastUntilEveryReadThatTookThemIsDone() {
        FilePins pins = new FilePins();
        FilePins.Pin first = pins.pin(List.of("a", "b"));
        FilePins.Pin second = pins.pin(List.of("b"));
        first.close();
        assertThat(pins.isPinned("a")).isFalse();
        assertThat(pins.isPinned("b")).isTrue();
        second.close();
        assertThat(pins.isPinned("b")).isFalse();
    }
}
