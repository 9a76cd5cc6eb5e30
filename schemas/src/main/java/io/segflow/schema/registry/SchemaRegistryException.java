package io.segflow.schema.registry;

/**
 * An error answer of the Schema Registry, with its HTTP status and Confluent error code
 * (40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid schema...),
 * or an I/O failure reaching it ({@link #status()} is {@code -1}).
 */
public class SchemaRegistryException extends RuntimeException {
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.errorCode = -1;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    public boolean isNotFound() {
        return status == 404;
    }
}
