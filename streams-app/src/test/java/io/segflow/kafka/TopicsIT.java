package io.segflow.kafka;

import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.FreePorts;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Topic creation and end offsets on a real KRaft broker shared by the class. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TopicsIT {
    @TempDir
    static Path dataDir;
    static EmbeddedKafka kafka;
    static Topics topics;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), "127.0.0.1", FreePorts.next(), FreePorts.next());
        topics = new Topics(kafka.bootstrapServers(), Map.of(), (short) 1);
    }

    @AfterAll
    static void stopKafka() {
        topics.close();
        kafka.close();
    }

    @Test
    void anEndOffsetAskedForBeforeItsTopicExistsIsAnsweredOnceTheTopicIsCreated() throws Exception {
        String topic = "created-late-" + UUID.randomUUID();
        CompletableFuture<Long> end = CompletableFuture.supplyAsync(
                () -> topics.endOffset(new TopicPartition(topic, 0), Duration.ofSeconds(60)));

        topics.ensure(topic, 1, Map.of());

        assertThat(end.get(60, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void theEndOffsetFollowsCommittedRecords() {
        String topic = "written-" + UUID.randomUUID();
        topics.ensure(topic, 1, Map.of());
        Map<String, Object> config = new HashMap<>(topics.clientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) i}));
            }
            producer.flush();
        }

        assertThat(topics.endOffset(new TopicPartition(topic, 0), Duration.ofSeconds(30))).isEqualTo(3);
    }

    @Test
    void anEndOffsetOfATopicThatNeverAppearsFailsAtTheDeadlineNamingTheCause() {
        TopicPartition missing = new TopicPartition("missing-" + UUID.randomUUID(), 0);

        assertThatThrownBy(() -> topics.endOffset(missing, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read the end offset of " + missing)
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }
}
