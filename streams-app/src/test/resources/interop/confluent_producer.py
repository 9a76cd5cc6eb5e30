"""Writes DML to a Segflow collection the way a Python user would: Confluent's own client and
Avro serializer, the schema taken from the Schema Registry, raw primary-key record keys and the
murmur2 partitioner. Arguments: bootstrap servers, registry URL, collection, rows, dim, and
optionally: the partitioner ("default" leaves librdkafka's own, CRC32), then every how many keys
one is deleted and one upserted (0: only key 0 is deleted; none upserted). Each key's events are
its insert, then its delete, then its upsert."""
import struct
import sys

from confluent_kafka import Producer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

bootstrap, registry_url, collection, rows, dim = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
partitioner = sys.argv[6] if len(sys.argv) > 6 else "murmur2_random"
delete_every = int(sys.argv[7]) if len(sys.argv) > 7 else 0
upsert_every = int(sys.argv[8]) if len(sys.argv) > 8 else 0
topic = collection + ".dml"
registry = CachedSchemaRegistryClient({"url": registry_url})
_, schema, _ = registry.get_latest_schema(topic + "-value")
serializer = MessageSerializer(registry)
config = {"bootstrap.servers": bootstrap, "enable.idempotence": True}
if partitioner != "default":
    config["partitioner"] = partitioner
producer = Producer(config)
errors = []


def send(row):
    producer.produce(topic, value=serializer.encode_record_with_schema(topic, schema, row), key=struct.pack(">q", row["pk"]),
                     on_delivery=lambda err, msg: err and errors.append(err))


def vector(first):
    return struct.pack("<%df" % dim, *([first] + [0.25] * (dim - 1)))


events = 0
for pk in range(rows):
    send({"op": "INSERT", "pk": pk, "partition": "_default", "vector": vector(float(pk)), "price": pk * 1.5})
    events += 1
    if (pk % delete_every == 0) if delete_every else pk == 0:
        send({"op": "DELETE", "pk": pk, "partition": "_default"})
        events += 1
    if upsert_every and pk % upsert_every == 0:
        send({"op": "UPSERT", "pk": pk, "partition": "_default", "vector": vector(pk + 0.5), "price": pk * 1.5})
        events += 1
producer.flush(30)
if errors:
    sys.exit("delivery failed: %s" % errors)
print("produced %d events to %s" % (events, topic))
