package io.segflow.api;

import io.segflow.collection.CollectionTopics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.dml.DmlSchemas;

import java.util.List;

/** A collection spec as the HTTP API shows it, with the topics and schema subject it owns. */
public record CollectionView(
        String name,
        String pkType,
        int dim,
        int channels,
        List<Field> fields,
        List<String> partitions,
        String clusteringKey,
        long ttlMs,
        long reclaimDeadlineMs,
        int schemaVersion,
        int dmlSchemaId,
        long createdAtMs,
        String dmlSubject,
        Topics topics) {

    public record Field(String name, String type) {
    }

    public record Topics(String dml, String segments, String dlq, String compactionTasks, String compactionResults) {
    }

    public static CollectionView of(CollectionSpec spec) {
        String name = spec.getName();
        return new CollectionView(name, spec.getPkType().name(), spec.getDim(), spec.getChannels(),
                spec.getFields().stream().map(f -> new Field(f.getName(), f.getType().name())).toList(),
                List.copyOf(spec.getPartitions()), spec.getClusteringKey(), spec.getTtlMs(), spec.getReclaimDeadlineMs(), spec.getSchemaVersion(),
                spec.getDmlSchemaId(), spec.getCreatedAtMs(), DmlSchemas.subject(name),
                new Topics(CollectionTopics.dml(name), CollectionTopics.segments(name), CollectionTopics.dlq(name),
                        CollectionTopics.compactionTasks(name), CollectionTopics.compactionResults(name)));
    }

    /** The spec back, for clients that build DML records from what the API returned. */
    public CollectionSpec toSpec() {
        return CollectionSpec.newBuilder()
                .setName(name)
                .setPkType(PkType.valueOf(pkType))
                .setDim(dim)
                .setChannels(channels)
                .setFields(fields.stream().map(f -> FieldSpec.newBuilder().setName(f.name()).setType(ScalarType.valueOf(f.type())).build()).toList())
                .setPartitions(partitions)
                .setClusteringKey(clusteringKey)
                .setTtlMs(ttlMs)
                .setReclaimDeadlineMs(reclaimDeadlineMs)
                .setSchemaVersion(schemaVersion)
                .setDmlSchemaId(dmlSchemaId)
                .setCreatedAtMs(createdAtMs)
                .build();
    }
}
