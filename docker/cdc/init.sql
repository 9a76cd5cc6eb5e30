-- The cdc profile's table: its changes become DML of the collection `items`
-- (items-collection.json) through Debezium and Segflow's Connect plugin (items-connector.json).
CREATE TABLE items (
    id        bigint PRIMARY KEY,
    embedding real[] NOT NULL,
    name      text,
    stock     integer
);
-- Deletes carry the whole old row, so the key is there whatever the key columns are.
ALTER TABLE items REPLICA IDENTITY FULL;
