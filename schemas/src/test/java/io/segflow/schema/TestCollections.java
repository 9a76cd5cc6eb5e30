package io.segflow.schema;

import java.util.List;

/** Collection specs for tests. */
public final class TestCollections {
    private TestCollections() {
    }

    public static CollectionSpec spec(String name, PkType pkType, int dim, FieldSpec... fields) {
        return CollectionSpec.newBuilder()
                .setName(name)
                .setPkType(pkType)
                .setDim(dim)
                .setChannels(4)
                .setFields(List.of(fields))
                .setPartitions(List.of("_default", "hot"))
                .setCreatedAtMs(1_700_000_000_000L)
                .build();
    }

    public static FieldSpec field(String name, ScalarType type) {
        return FieldSpec.newBuilder().setName(name).setType(type).build();
    }
}
