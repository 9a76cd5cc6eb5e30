"""Writes DML to a Segflow collection the way a Python user would: Confluent's own client and
Avro serializer, the schema taken from the Schema Registry, raw primary-key record keys and the
murmur2 partitioner. Arguments: bootstrap servers, registry URL, collection, rows, dim."""
import struct
import sys

from confluent_kafka import Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

bootstrap, registry_url, collection, rows, dim = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
topic = collection + ".dml"
registry = CachedSchemaRegistryClient({"url": registry_url})
_, schema, _ = registry.get_latest_schema(topic + "-value")
serializer = MessageSerializer(registry)
producer = Producer({"bootstrap.servers": bootstrap, "partitioner": "murmur2_random", "enable.idempotence": True})
errors = []

for pk in range(rows):
    vector = struct.pack("<%df" % dim, *([float(pk)] + [0.25] * (dim - 1)))
    row = {"op": "INSERT", "pk": pk, "partition": "_default", "vector": vector, "price": pk * 1.5}
    producer.produce(topic, value=serializer.encode_record_with_schema(topic, schema, row), key=struct.pack(">q", pk),
                     on_delivery=lambda err, msg: err and errors.append(err))
producer.produce(topic, value=serializer.encode_record_with_schema(topic, schema, {"op": "DELETE", "pk": 0, "partition": "_default"}),
                 key=struct.pack(">q", 0), on_delivery=lambda err, msg: err and errors.append(err))
producer.flush(30)
if errors:
    sys.exit("delivery failed: %s" % errors)
print("produced %d rows and 1 delete to %s" % (rows, topic))
