package io.segflow.schema.serde;

/** A wire-format header naming a schema id the Schema Registry does not know. */
public final class UnknownSchemaIdException extends BadInputException {
    private final int schemaId;

    public UnknownSchemaIdException(RecordSource source, int schemaId, Throwable cause) {
        super(BadInputReason.UNKNOWN_SCHEMA_ID, source, "schema id " + schemaId + " is not registered", cause);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
