package io.segflow.schema.dml;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.serde.AvroCursor;
import io.segflow.schema.serde.RecordSource;
import io.segflow.schema.serde.UndecodableRecordException;
import io.segflow.schema.serde.WireFormat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a DML value written with the collection's current schema straight from its Avro bytes:
 * op, pk, partition and vector are taken out, every scalar is checked to be well-formed, and no
 * byte may be left over, as a full decode would require.
 */
final class DmlBytes {
    /** The fields the pipeline needs; {@code vector} is a view of the value's bytes, or null. */
    record Parsed(DmlOp op, Object pk, String partition, ByteBuffer vector) {
    }

    private static final DmlOp[] OPS = DmlOp.values();

    private final PkType pkType;
    private final List<ScalarType> scalars;
    private final Map<ByteBuffer, String> partitions = new HashMap<>();

    DmlBytes(CollectionSpec spec) {
        this.pkType = spec.getPkType();
        this.scalars = spec.getFields().stream().map(FieldSpec::getType).toList();
        spec.getPartitions().forEach(p -> partitions.put(ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8)), p));
    }

    Parsed parse(RecordSource source, byte[] value) {
        try {
            AvroCursor in = new AvroCursor(value, WireFormat.HEADER_BYTES);
            int op = in.readInt();
            if (op < 0 || op >= OPS.length) {
                throw new IllegalArgumentException("op index " + op + " is not a DmlOp");
            }
            Object pk;
            if (pkType == PkType.INT64) {
                pk = in.readLong();
            } else {
                int length = in.readLength();
                pk = new String(value, in.position(), length, StandardCharsets.UTF_8);
                in.skip(length);
            }
            int partitionLength = in.readLength();
            ByteBuffer partitionBytes = ByteBuffer.wrap(value, in.position(), partitionLength);
            String partition = partitions.get(partitionBytes);
            if (partition == null) {
                partition = StandardCharsets.UTF_8.decode(partitionBytes).toString();
            }
            in.skip(partitionLength);
            ByteBuffer vector = null;
            if (in.readNullUnion()) {
                int length = in.readLength();
                vector = ByteBuffer.wrap(value, in.position(), length).slice();
                in.skip(length);
            }
            for (ScalarType scalar : scalars) {
                if (in.readNullUnion()) {
                    in.skipScalar(scalar);
                }
            }
            if (!in.atEnd()) {
                throw new IllegalArgumentException((value.length - in.position()) + " bytes left over after the record");
            }
            return new Parsed(OPS[op], pk, partition, vector);
        } catch (IllegalArgumentException e) {
            throw new UndecodableRecordException(source, "cannot decode the Avro body of the current DML schema: " + e.getMessage(), e);
        }
    }
}
