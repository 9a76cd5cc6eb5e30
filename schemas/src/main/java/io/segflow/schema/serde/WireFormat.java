package io.segflow.schema.serde;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int,
 * then the Avro binary encoding of the value.
 */
public final class WireFormat {
    public static final byte MAGIC = 0;
    public static final int HEADER_BYTES = 5;

    private WireFormat() {
    }

    /**
     * Reads the header and leaves {@code data}'s position at the start of the Avro body.
     *
     * @throws NotWireFormatException if {@code data} is too short or has another magic byte
     */
    public static int readSchemaId(ByteBuffer data, RecordSource source) {
        if (data.remaining() < HEADER_BYTES) {
            throw new NotWireFormatException(source, "record of " + data.remaining()
                    + " bytes is shorter than the 5-byte wire-format header");
        }
        byte magic = data.get();
        if (magic != MAGIC) {
            throw new NotWireFormatException(source, String.format("first byte is 0x%02x, not the wire-format magic byte 0x00", magic));
        }
        return data.getInt();
    }

    public static void writeHeader(ByteArrayOutputStream target, int schemaId) {
        target.write(MAGIC);
        target.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(schemaId).array());
    }
}
