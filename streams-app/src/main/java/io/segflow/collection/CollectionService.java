package io.segflow.collection;

import io.segflow.kafka.TopicMismatchException;
import io.segflow.kafka.Topics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.registry.SchemaRegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.segflow.collection.CollectionException.Kind.CONFLICT;
import static io.segflow.collection.CollectionException.Kind.INVALID;
import static io.segflow.collection.CollectionException.Kind.NOT_FOUND;

/**
 * Creates and evolves collections: their topics, their DML value schema in the Schema Registry,
 * and their spec in the catalog, in that order, so that a spec is only visible once everything
 * it names exists. A create that failed half-way can be repeated.
 */
public final class CollectionService {
    private static final Logger log = LoggerFactory.getLogger(CollectionService.class);

    private final CollectionCatalog catalog;
    private final Topics topics;
    private final SchemaRegistryClient registry;
    private final Clock clock;

    public CollectionService(CollectionCatalog catalog, Topics topics, SchemaRegistryClient registry, Clock clock) {
        this.catalog = catalog;
        this.topics = topics;
        this.registry = registry;
        this.clock = clock;
    }

    public List<CollectionSpec> list() {
        return catalog.list();
    }

    public CollectionSpec get(String name) {
        return catalog.get(name).orElseThrow(() -> new CollectionException(NOT_FOUND, "collection '" + name + "' does not exist"));
    }

    public synchronized CollectionSpec create(CollectionDefinition definition) {
        List<String> problems = CollectionRules.problems(definition);
        if (!problems.isEmpty()) {
            throw new CollectionException(INVALID, String.join("; ", problems));
        }
        if (catalog.get(definition.name()).isPresent()) {
            throw new CollectionException(CONFLICT, "collection '" + definition.name() + "' already exists");
        }
        CollectionSpec spec = CollectionRules.toSpec(definition, clock.millis());
        createTopics(spec);
        spec.setDmlSchemaId(registerSchema(spec));
        catalog.put(spec);
        log.info("created collection {}: dim {}, {} channels, pk {}, fields {}", spec.getName(), spec.getDim(),
                spec.getChannels(), spec.getPkType(), spec.getFields());
        return spec;
    }

    public synchronized CollectionSpec addPartition(String name, String partition) {
        CollectionSpec spec = get(name);
        CollectionRules.nameProblem("partition", partition).ifPresent(p -> {
            throw new CollectionException(INVALID, p);
        });
        if (spec.getPartitions().contains(partition)) {
            throw new CollectionException(CONFLICT, "collection '" + name + "' already has partition '" + partition + "'");
        }
        if (spec.getPartitions().size() >= CollectionRules.MAX_PARTITIONS) {
            throw new CollectionException(INVALID, "collection '" + name + "' has the most partitions allowed, " + CollectionRules.MAX_PARTITIONS);
        }
        List<String> partitions = new ArrayList<>(spec.getPartitions());
        partitions.add(partition);
        CollectionSpec updated = CollectionSpec.newBuilder(spec).setPartitions(partitions).build();
        catalog.put(updated);
        return updated;
    }

    /** Adds a nullable scalar field: a new, BACKWARD-compatible revision of the DML value schema. */
    public synchronized CollectionSpec addField(String name, CollectionDefinition.FieldDefinition field) {
        CollectionSpec spec = get(name);
        Set<String> existing = spec.getFields().stream().map(FieldSpec::getName).collect(Collectors.toSet());
        CollectionRules.fieldProblem(field, existing).ifPresent(p -> {
            throw new CollectionException(INVALID, p);
        });
        List<FieldSpec> fields = new ArrayList<>(spec.getFields());
        fields.add(CollectionRules.toField(field));
        CollectionSpec updated = CollectionSpec.newBuilder(spec).setFields(fields).setSchemaVersion(spec.getSchemaVersion() + 1).build();
        updated.setDmlSchemaId(registerSchema(updated));
        catalog.put(updated);
        log.info("collection {} has field {} of type {}: schema revision {}", name, field.name(), field.type(), updated.getSchemaVersion());
        return updated;
    }

    private void createTopics(CollectionSpec spec) {
        String name = spec.getName();
        int channels = spec.getChannels();
        try {
            topics.ensure(CollectionTopics.dml(name), channels, Map.of());
            topics.ensureCompacted(CollectionTopics.segments(name), channels);
            topics.ensure(CollectionTopics.dlq(name), channels, Map.of());
            topics.ensure(CollectionTopics.compactionTasks(name), channels, Map.of());
            topics.ensure(CollectionTopics.compactionResults(name), channels, Map.of());
        } catch (TopicMismatchException e) {
            throw new CollectionException(CONFLICT, "cannot create collection '" + name + "': " + e.getMessage());
        }
    }

    private int registerSchema(CollectionSpec spec) {
        try {
            return registry.register(DmlSchemas.subject(spec.getName()), DmlSchemas.forCollection(spec));
        } catch (SchemaRegistryException e) {
            if (e.status() == 409) {
                throw new CollectionException(CONFLICT, "the DML schema of '" + spec.getName() + "' is incompatible with subject "
                        + DmlSchemas.subject(spec.getName()) + ": " + e.getMessage());
            }
            throw e;
        }
    }
}
