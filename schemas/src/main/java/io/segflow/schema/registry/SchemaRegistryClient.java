package io.segflow.schema.registry;

import org.apache.avro.Schema;

import java.util.Optional;

/** What the wire-format serde needs of a Schema Registry. */
public interface SchemaRegistryClient {
    /** Registers {@code schema} under {@code subject}, or returns its id if already registered there. */
    int register(String subject, Schema schema);

    /** The version of {@code subject} that holds {@code schema}, if there is one. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /**
     * The schema registered with {@code id}.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#isNotFound()} if there is none
     */
    Schema schemaById(int id);

    /**
     * The newest version registered under {@code subject}.
     *
     * @throws SchemaRegistryException with {@link SchemaRegistryException#isNotFound()} if the subject has none
     */
    RegisteredSchema latest(String subject);
}
