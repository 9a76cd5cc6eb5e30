package io.segflow.schema.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompatibilityLevelTest {
    private static final Schema V1 = SchemaBuilder.record("r").fields().requiredLong("a").endRecord();
    /** Adds an optional field: old readers ignore it, new readers default it. */
    private static final Schema OPTIONAL_ADDED = SchemaBuilder.record("r").fields()
            .requiredLong("a").optionalString("b").endRecord();
    /** Adds a required field: new readers cannot read old data. */
    private static final Schema REQUIRED_ADDED = SchemaBuilder.record("r").fields()
            .requiredLong("a").requiredString("c").endRecord();
    /** Drops a: old readers cannot read new data. */
    private static final Schema A_DROPPED = SchemaBuilder.record("r").fields().optionalString("b").endRecord();

    @ParameterizedTest(name = "{0} {1} after v1 -> allowed={2}")
    @CsvSource({
        "NONE, REQUIRED_ADDED, true",
        "BACKWARD, OPTIONAL_ADDED, true",
        "BACKWARD, REQUIRED_ADDED, false",
        "BACKWARD, A_DROPPED, true",
        "FORWARD, REQUIRED_ADDED, true",
        "FORWARD, A_DROPPED, false",
        "FULL, OPTIONAL_ADDED, true",
        "FULL, REQUIRED_ADDED, false",
        "FULL, A_DROPPED, false",
    })
    void levelsDecideLikeTheSchemaRegistry(CompatibilityLevel level, String candidate, boolean allowed) {
        assertThat(level.incompatibilities(schema(candidate), List.of(V1)).isEmpty()).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} checks against {1}")
    @CsvSource({"BACKWARD, only the latest, true", "BACKWARD_TRANSITIVE, every version, false"})
    void transitiveLevelsCheckEveryEarlierVersion(CompatibilityLevel level, String what, boolean allowed) {
        // REQUIRED_ADDED followed by a schema that keeps c: fine against REQUIRED_ADDED, not against V1.
        Schema keepsC = SchemaBuilder.record("r").fields().requiredLong("a").requiredString("c").optionalInt("d").endRecord();

        assertThat(level.incompatibilities(keepsC, List.of(V1, REQUIRED_ADDED)).isEmpty()).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"BACKWARD", "FULL_TRANSITIVE"})
    void aFirstVersionIsAlwaysAllowed(CompatibilityLevel level) {
        assertThat(level.incompatibilities(REQUIRED_ADDED, List.of())).isEmpty();
    }

    private static Schema schema(String name) {
        return switch (name) {
            case "OPTIONAL_ADDED" -> OPTIONAL_ADDED;
            case "REQUIRED_ADDED" -> REQUIRED_ADDED;
            case "A_DROPPED" -> A_DROPPED;
            default -> throw new IllegalArgumentException(name);
        };
    }
}
