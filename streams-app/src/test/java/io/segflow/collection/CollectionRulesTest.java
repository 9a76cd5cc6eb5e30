package io.segflow.collection;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CollectionRulesTest {
    private static CollectionDefinition.FieldDefinition field(String name, String type) {
        return new CollectionDefinition.FieldDefinition(name, type);
    }

    private static CollectionDefinition valid() {
        return new CollectionDefinition("items", null, 8, null, List.of(field("price", "double")), null, null, null);
    }

    static Stream<Arguments> badDefinitions() {
        return Stream.of(
                Arguments.of("missing name", new CollectionDefinition(null, null, 8, null, null, null, null, null), "collection name 'null'"),
                Arguments.of("name with a dot", new CollectionDefinition("a.b", null, 8, null, null, null, null, null), "collection name 'a.b'"),
                Arguments.of("name starting with a digit", new CollectionDefinition("1a", null, 8, null, null, null, null, null), "collection name '1a'"),
                Arguments.of("zero dim", new CollectionDefinition("c", null, 0, null, null, null, null, null), "dim must be between 1 and 32768, not 0"),
                Arguments.of("negative dim", new CollectionDefinition("c", null, -4, null, null, null, null, null), "not -4"),
                Arguments.of("missing dim", new CollectionDefinition("c", null, null, null, null, null, null, null), "not null"),
                Arguments.of("huge dim", new CollectionDefinition("c", null, 40_000, null, null, null, null, null), "not 40000"),
                Arguments.of("unknown pk type", new CollectionDefinition("c", "uuid", 8, null, null, null, null, null), "unknown pkType 'uuid'"),
                Arguments.of("no channels", new CollectionDefinition("c", null, 8, 0, null, null, null, null), "channels must be between 1 and 64"),
                Arguments.of("unknown field type", new CollectionDefinition("c", null, 8, null, List.of(field("x", "VECTOR2")), null, null, null),
                        "unknown type 'VECTOR2' of field 'x'"),
                Arguments.of("field without type", new CollectionDefinition("c", null, 8, null, List.of(field("x", null)), null, null, null),
                        "unknown type 'null' of field 'x'"),
                Arguments.of("duplicate field", new CollectionDefinition("c", null, 8, null,
                        List.of(field("x", "BOOL"), field("x", "INT32")), null, null, null), "duplicate field 'x'"),
                Arguments.of("reserved field", new CollectionDefinition("c", null, 8, null, List.of(field("vector", "BOOL")), null, null, null),
                        "field name 'vector' is reserved"),
                Arguments.of("duplicate partition", new CollectionDefinition("c", null, 8, null, null, List.of("p", "p"), null, null),
                        "duplicate partition 'p'"),
                Arguments.of("bad partition name", new CollectionDefinition("c", null, 8, null, null, List.of("p-1"), null, null),
                        "partition name 'p-1'"),
                Arguments.of("clustering key not a field", new CollectionDefinition("c", null, 8, null, null, null, "price", null),
                        "clusteringKey 'price' is not a scalar field"),
                Arguments.of("negative ttl", new CollectionDefinition("c", null, 8, null, null, null, null, -1L), "ttlMs must be"),
                Arguments.of("reclaim deadline under a second", new CollectionDefinition("c", null, 8, null, null, null, null, null, 999L),
                        "reclaimDeadlineMs must be 0 (the instance's delete.reclaim.deadline.ms) or at least 1000, not 999"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDefinitions")
    void badDefinitionsSayWhy(String what, CollectionDefinition definition, String problem) {
        assertThat(CollectionRules.problems(definition)).anySatisfy(p -> assertThat(p).contains(problem));
    }

    @Test
    void everyProblemIsListed() {
        CollectionDefinition bad = new CollectionDefinition("c", "uuid", 0, 0, List.of(field("x", "?")), null, null, null);

        assertThat(CollectionRules.problems(bad)).hasSize(4);
    }

    @Test
    void aValidDefinitionHasNoProblemsAndTakesTheDefaults() {
        assertThat(CollectionRules.problems(valid())).isEmpty();

        CollectionSpec spec = CollectionRules.toSpec(valid(), 42);

        assertThat(spec.getPkType()).isEqualTo(PkType.INT64);
        assertThat(spec.getChannels()).isEqualTo(CollectionRules.DEFAULT_CHANNELS);
        assertThat(spec.getPartitions()).containsExactly("_default");
        assertThat(spec.getFields()).singleElement().satisfies(f -> assertThat(f.getType()).isEqualTo(ScalarType.DOUBLE));
        assertThat(spec.getTtlMs()).isZero();
        assertThat(spec.getReclaimDeadlineMs()).as("the instance's deadline").isZero();
        assertThat(spec.getCreatedAtMs()).isEqualTo(42);
    }

    @Test
    void theDefaultPartitionAlwaysComesFirst() {
        CollectionDefinition definition = new CollectionDefinition("c", "varchar", 8, 3, null, List.of("hot", "_default", "cold"),
                null, 1000L, 30_000L);

        CollectionSpec spec = CollectionRules.toSpec(definition, 0);

        assertThat(spec.getPartitions()).containsExactly("_default", "hot", "cold");
        assertThat(spec.getPkType()).isEqualTo(PkType.VARCHAR);
        assertThat(spec.getTtlMs()).isEqualTo(1000L);
        assertThat(spec.getReclaimDeadlineMs()).isEqualTo(30_000L);
    }
}
