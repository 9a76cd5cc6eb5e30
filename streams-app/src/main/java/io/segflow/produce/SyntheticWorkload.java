package io.segflow.produce;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded stream of DML events for one collection. Inserts take fresh primary keys in order from
 * {@code startPk}; deletes and upserts pick a key inserted earlier and still live (an insert is
 * made instead while there is none). Vectors are uniform in [-1, 1); scalars are random of their
 * type. The same spec, seed and ratios give the same events.
 */
public final class SyntheticWorkload {
    /** One event, with its primary key as a Long or String. */
    public record Event(DmlOp op, Object pk, String partition, float[] vector, Map<String, Object> scalars) {
    }

    private final CollectionSpec spec;
    private final SplittableRandom random;
    private final double deleteRatio;
    private final double upsertRatio;
    private final List<Object> live = new ArrayList<>();
    private long nextPk;

    public SyntheticWorkload(CollectionSpec spec, long seed, double deleteRatio, double upsertRatio, long startPk) {
        if (deleteRatio < 0 || upsertRatio < 0 || deleteRatio + upsertRatio > 1) {
            throw new IllegalArgumentException("delete and upsert ratios must be non-negative and add up to at most 1, not "
                    + deleteRatio + " and " + upsertRatio);
        }
        this.spec = spec;
        this.random = new SplittableRandom(seed);
        this.deleteRatio = deleteRatio;
        this.upsertRatio = upsertRatio;
        this.nextPk = startPk;
    }

    public Event next() {
        double draw = random.nextDouble();
        String partition = spec.getPartitions().get(random.nextInt(spec.getPartitions().size()));
        if (!live.isEmpty() && draw < deleteRatio) {
            int index = random.nextInt(live.size());
            Object pk = live.get(index);
            live.set(index, live.get(live.size() - 1));
            live.remove(live.size() - 1);
            return new Event(DmlOp.DELETE, pk, partition, null, Map.of());
        }
        if (!live.isEmpty() && draw < deleteRatio + upsertRatio) {
            return new Event(DmlOp.UPSERT, live.get(random.nextInt(live.size())), partition, vector(), scalars());
        }
        long sequence = nextPk++;
        Object pk = spec.getPkType() == PkType.INT64 ? (Object) sequence : "pk-" + sequence;
        live.add(pk);
        return new Event(DmlOp.INSERT, pk, partition, vector(), scalars());
    }

    /** Keys inserted and not deleted so far. */
    public int liveCount() {
        return live.size();
    }

    private float[] vector() {
        float[] vector = new float[spec.getDim()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return vector;
    }

    private Map<String, Object> scalars() {
        Map<String, Object> scalars = new HashMap<>();
        for (FieldSpec field : spec.getFields()) {
            scalars.put(field.getName(), switch (field.getType()) {
                case BOOL -> random.nextBoolean();
                case INT32 -> random.nextInt(1000);
                case INT64 -> random.nextLong(1_000_000);
                case FLOAT -> (float) random.nextDouble(100);
                case DOUBLE -> random.nextDouble(100);
                case VARCHAR -> "v" + random.nextInt(100);
            });
        }
        return scalars;
    }
}
