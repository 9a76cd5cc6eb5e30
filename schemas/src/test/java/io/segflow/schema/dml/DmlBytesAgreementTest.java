package io.segflow.schema.dml;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.TestCollections;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.RecordSource;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-place reading of current-schema records agrees with Avro's decoder on valid records and
 * on thousands of corrupted ones: same events, or the same kind of refusal.
 */
class DmlBytesAgreementTest {
    private static final RecordSource SOURCE = new RecordSource("fuzz.dml", 0, 0);

    @ParameterizedTest
    @EnumSource(PkType.class)
    void inPlaceAndFullDecodingAgreeOnValidAndCorruptedRecords(PkType pkType) {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        CollectionSpec spec = TestCollections.spec("fuzz", pkType, 3, field("b", ScalarType.BOOL), field("i", ScalarType.INT32),
                field("l", ScalarType.INT64), field("f", ScalarType.FLOAT), field("d", ScalarType.DOUBLE), field("s", ScalarType.VARCHAR));
        spec.setDmlSchemaId(registry.register(DmlSchemas.subject("fuzz"), DmlSchemas.forCollection(spec)));
        DmlDecoder inPlace = new DmlDecoder(spec, registry);
        DmlDecoder full = new DmlDecoder(CollectionSpec.newBuilder(spec).setDmlSchemaId(-1).build(), registry);
        DmlRecords rows = new DmlRecords(spec);
        AvroWireSerializer<GenericRecord> serializer = new AvroWireSerializer<>(registry, true);
        SplittableRandom random = new SplittableRandom(pkType.ordinal());
        int refused = 0;
        for (int i = 0; i < 5_000; i++) {
            Object pk = pkType == PkType.INT64 ? (Object) random.nextLong(-1_000_000, 1_000_000) : "k" + random.nextInt(1000);
            Map<String, Object> scalars = new HashMap<>();
            if (random.nextBoolean()) {
                scalars.putAll(Map.of("b", random.nextBoolean(), "i", random.nextInt(), "l", random.nextLong(),
                        "f", (float) random.nextDouble(), "d", random.nextDouble(), "s", "v" + random.nextInt(100)));
            }
            String partition = random.nextInt(10) == 0 ? "cold" : "hot";
            GenericRecord record = switch (random.nextInt(3)) {
                case 0 -> rows.insert(pk, partition, new float[] {1, 2, 3}, scalars);
                case 1 -> rows.upsert(pk, partition, new float[] {4, 5, 6}, scalars);
                default -> rows.delete(pk, partition);
            };
            byte[] value = serializer.serialize("fuzz.dml", record);
            byte[] key = PrimaryKeys.encode(pk);
            if (i % 5 != 0) {
                value = corrupt(value, random);
            }
            Object a = outcome(inPlace, key, value);
            Object b = outcome(full, key, value);
            assertThat(a).as("record %d: %s", i, Arrays.toString(value)).isEqualTo(b);
            refused += a instanceof String ? 1 : 0;
        }
        assertThat(refused).as("the corruptions hit both outcomes").isBetween(500, 4_500);
    }

    private static byte[] corrupt(byte[] value, SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] copy = value.clone();
                int at = 5 + random.nextInt(copy.length - 5);
                copy[at] = (byte) random.nextInt(256);
                yield copy;
            }
            case 1 -> Arrays.copyOf(value, 5 + random.nextInt(value.length - 5));
            default -> Arrays.copyOf(value, value.length + 1 + random.nextInt(3));
        };
    }

    /** The event's fields, or the refusal's reason. */
    private static Object outcome(DmlDecoder decoder, byte[] key, byte[] value) {
        try {
            DmlEvent event = decoder.decode(SOURCE, key, value);
            return Arrays.asList(event.op(), event.pk(), event.partition(), event.vector(), event.record());
        } catch (BadInputException e) {
            return e.reason().name();
        }
    }
}
