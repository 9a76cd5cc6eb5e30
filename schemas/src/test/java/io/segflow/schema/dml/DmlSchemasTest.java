package io.segflow.schema.dml;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.TestCollections;
import io.segflow.schema.registry.CompatibilityLevel;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;

class DmlSchemasTest {
    @Test
    void theDemoCollectionsSchemaIsTheDocumentedOne() throws IOException {
        CollectionSpec demo = TestCollections.spec("demo", PkType.INT64, 128, field("price", ScalarType.DOUBLE));
        try (InputStream expected = getClass().getResourceAsStream("/dml/demo.avsc")) {
            assertThat(DmlSchemas.forCollection(demo)).isEqualTo(new Schema.Parser().parse(expected));
        }
    }

    @Test
    void fieldsComeInTheFixedOrderThenScalarsInSpecOrder() {
        CollectionSpec spec = TestCollections.spec("items", PkType.VARCHAR, 4,
                field("b", ScalarType.BOOL), field("a", ScalarType.VARCHAR));

        Schema schema = DmlSchemas.forCollection(spec);

        assertThat(schema.getFields()).extracting(Schema.Field::name).containsExactly("op", "pk", "partition", "vector", "b", "a");
        assertThat(schema.getField("pk").schema().getType()).isEqualTo(Schema.Type.STRING);
        assertThat(schema.getField("partition").defaultVal()).isEqualTo("_default");
        assertThat(schema.getField("a").schema().getTypes()).extracting(Schema::getType)
                .containsExactly(Schema.Type.NULL, Schema.Type.STRING);
    }

    @Test
    void everyScalarTypeMapsToOneAvroPrimitive() {
        assertThat(List.of(ScalarType.values())).extracting(t -> DmlSchemas.scalarSchema(t).getType())
                .containsExactly(Schema.Type.BOOLEAN, Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT,
                        Schema.Type.DOUBLE, Schema.Type.STRING);
    }

    @Test
    void addingAScalarFieldIsBackwardCompatibleButChangingThePkTypeIsNot() {
        CollectionSpec v1 = TestCollections.spec("items", PkType.INT64, 8, field("price", ScalarType.DOUBLE));
        CollectionSpec v2 = CollectionSpec.newBuilder(v1).setFields(new ArrayList<>(v1.getFields())).build();
        v2.getFields().add(field("color", ScalarType.VARCHAR));
        CollectionSpec stringPk = CollectionSpec.newBuilder(v1).setPkType(PkType.VARCHAR).build();

        List<Schema> history = List.of(DmlSchemas.forCollection(v1));

        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(DmlSchemas.forCollection(v2), history)).isEmpty();
        assertThat(CompatibilityLevel.FULL.incompatibilities(DmlSchemas.forCollection(v2), history)).isEmpty();
        assertThat(CompatibilityLevel.BACKWARD.incompatibilities(DmlSchemas.forCollection(stringPk), history))
                .singleElement().asString().contains("TYPE_MISMATCH", "/fields/1/type");
    }

    @Test
    void dmlSubjectFollowsTheTopicNameStrategy() {
        assertThat(DmlSchemas.subject("demo")).isEqualTo("demo.dml-value");
    }
}
