package io.segflow.collection;

import io.segflow.compaction.CompactionSettings;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.dml.DmlSchemas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which definitions make a collection, and the spec they make. Names follow Milvus's rule (a
 * letter or underscore, then letters, digits and underscores), which also keeps them valid Avro
 * names and Kafka topic names.
 */
public final class CollectionRules {
    public static final int MAX_DIM = 32_768;
    public static final int MAX_CHANNELS = 64;
    public static final int DEFAULT_CHANNELS = 1;
    public static final int MAX_PARTITIONS = 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private CollectionRules() {
    }

    /** Every reason {@code definition} cannot be created; empty when it can. */
    public static List<String> problems(CollectionDefinition definition) {
        List<String> problems = new ArrayList<>();
        nameProblem("collection", definition.name()).ifPresent(problems::add);
        if (definition.pkType() != null && parse(PkType.class, definition.pkType()).isEmpty()) {
            problems.add("unknown pkType '" + definition.pkType() + "'; expected one of " + Arrays.toString(PkType.values()));
        }
        if (definition.dim() == null || definition.dim() <= 0 || definition.dim() > MAX_DIM) {
            problems.add("dim must be between 1 and " + MAX_DIM + ", not " + definition.dim());
        }
        if (definition.channels() != null && (definition.channels() < 1 || definition.channels() > MAX_CHANNELS)) {
            problems.add("channels must be between 1 and " + MAX_CHANNELS + ", not " + definition.channels());
        }
        Set<String> names = new HashSet<>();
        for (CollectionDefinition.FieldDefinition field : fields(definition)) {
            fieldProblem(field, names).ifPresent(problems::add);
            names.add(field.name());
        }
        Set<String> partitions = new HashSet<>();
        for (String partition : partitionsOrEmpty(definition)) {
            nameProblem("partition", partition).ifPresent(problems::add);
            if (!partitions.add(partition)) {
                problems.add("duplicate partition '" + partition + "'");
            }
        }
        if (partitions.size() > MAX_PARTITIONS) {
            problems.add("at most " + MAX_PARTITIONS + " partitions, not " + partitions.size());
        }
        if (definition.clusteringKey() != null && !names.contains(definition.clusteringKey())) {
            problems.add("clusteringKey '" + definition.clusteringKey() + "' is not a scalar field of the collection");
        }
        if (definition.ttlMs() != null && definition.ttlMs() < 0) {
            problems.add("ttlMs must be 0 (no expiry) or positive, not " + definition.ttlMs());
        }
        Long deadline = definition.reclaimDeadlineMs();
        if (deadline != null && deadline != 0 && deadline < CompactionSettings.MIN_RECLAIM_DEADLINE_MS) {
            problems.add("reclaimDeadlineMs must be 0 (the instance's " + CompactionSettings.RECLAIM_DEADLINE_MS + ") or at least "
                    + CompactionSettings.MIN_RECLAIM_DEADLINE_MS + ", not " + deadline);
        }
        return problems;
    }

    /** Why a new scalar field cannot join fields named {@code existing}; empty when it can. */
    public static Optional<String> fieldProblem(CollectionDefinition.FieldDefinition field, Set<String> existing) {
        Optional<String> name = nameProblem("field", field.name());
        if (name.isPresent()) {
            return name;
        }
        if (DmlSchemas.RESERVED_FIELDS.contains(field.name())) {
            return Optional.of("field name '" + field.name() + "' is reserved for " + DmlSchemas.RESERVED_FIELDS);
        }
        if (existing.contains(field.name())) {
            return Optional.of("duplicate field '" + field.name() + "'");
        }
        if (field.type() == null || parse(ScalarType.class, field.type()).isEmpty()) {
            return Optional.of("unknown type '" + field.type() + "' of field '" + field.name() + "'; expected one of "
                    + Arrays.toString(ScalarType.values()));
        }
        return Optional.empty();
    }

    public static Optional<String> nameProblem(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.of(what + " name '" + name + "' must start with a letter or underscore and hold only letters,"
                    + " digits and underscores, at most 128");
        }
        return Optional.empty();
    }

    /** The spec of a definition without {@link #problems}; partition {@code _default} always comes first. */
    public static CollectionSpec toSpec(CollectionDefinition definition, long nowMs) {
        LinkedHashSet<String> partitions = new LinkedHashSet<>();
        partitions.add(DmlSchemas.DEFAULT_PARTITION);
        partitions.addAll(partitionsOrEmpty(definition));
        return CollectionSpec.newBuilder()
                .setName(definition.name())
                .setPkType(definition.pkType() == null ? PkType.INT64 : parse(PkType.class, definition.pkType()).orElseThrow())
                .setDim(definition.dim())
                .setChannels(definition.channels() == null ? DEFAULT_CHANNELS : definition.channels())
                .setFields(fields(definition).stream().map(CollectionRules::toField).toList())
                .setPartitions(List.copyOf(partitions))
                .setClusteringKey(definition.clusteringKey())
                .setTtlMs(definition.ttlMs() == null ? 0 : definition.ttlMs())
                .setReclaimDeadlineMs(definition.reclaimDeadlineMs() == null ? 0 : definition.reclaimDeadlineMs())
                .setCreatedAtMs(nowMs)
                .build();
    }

    public static FieldSpec toField(CollectionDefinition.FieldDefinition field) {
        return FieldSpec.newBuilder().setName(field.name()).setType(parse(ScalarType.class, field.type()).orElseThrow()).build();
    }

    private static List<CollectionDefinition.FieldDefinition> fields(CollectionDefinition definition) {
        return definition.fields() == null ? List.of() : definition.fields();
    }

    private static List<String> partitionsOrEmpty(CollectionDefinition definition) {
        return definition.partitions() == null ? List.of() : definition.partitions();
    }

    private static <E extends Enum<E>> Optional<E> parse(Class<E> type, String name) {
        try {
            return Optional.of(Enum.valueOf(type, name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
