package io.segflow.produce;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.serde.AvroWireSerializer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes workload events to {@code C.dml}: key = the plain primary key (so Kafka's murmur2
 * partitioner picks the channel), value = the DML record in the wire format. Idempotent, acks=all.
 */
public final class DmlProducer implements AutoCloseable {
    private final KafkaProducer<byte[], GenericRecord> producer;
    private final DmlRecords records;
    private final String topic;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    public DmlProducer(CollectionSpec spec, Map<String, Object> clientConfig, SchemaRegistryClient registry) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
        config.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new AvroWireSerializer<>(registry, true));
        this.records = new DmlRecords(spec);
        this.topic = DmlSchemas.dmlTopic(spec.getName());
    }

    /** Sends one event; failures surface in {@link #close}. */
    public void send(SyntheticWorkload.Event event) {
        send(event, null);
    }

    /** Sends one event with the given event time (null: now). */
    public void send(SyntheticWorkload.Event event, Long timestampMs) {
        GenericRecord value = switch (event.op()) {
            case INSERT -> records.insert(event.pk(), event.partition(), event.vector(), event.scalars());
            case UPSERT -> records.upsert(event.pk(), event.partition(), event.vector(), event.scalars());
            case DELETE -> records.delete(event.pk(), event.partition());
        };
        producer.send(new ProducerRecord<>(topic, null, timestampMs, PrimaryKeys.encode(event.pk()), value), (metadata, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                firstError.compareAndSet(null, error);
            }
        });
    }

    /** Waits until every event sent so far is acknowledged. */
    public void flush() {
        producer.flush();
        Exception error = firstError.get();
        if (error != null) {
            throw new IllegalStateException("cannot produce to " + topic + ": " + error.getMessage(), error);
        }
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    /**
     * Waits for every send to be acknowledged.
     *
     * @throws IllegalStateException naming the first failure, if any send failed
     */
    @Override
    public void close() {
        producer.close();
        Exception error = firstError.get();
        if (error != null) {
            throw new IllegalStateException("cannot produce to " + topic + ": " + error.getMessage(), error);
        }
    }
}
