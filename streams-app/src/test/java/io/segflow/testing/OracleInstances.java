package io.segflow.testing;

import io.segflow.verify.Oracle;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Instances on {@link SharedServices} as the oracle sees them: the HTTP APIs to ask (a list a
 * test may change while the oracle runs) and what happens to the instances halfway.
 */
public record OracleInstances(SharedServices services, List<String> apis, Midway atMidway) implements Oracle.Target {
    /** What a test does to its instances halfway through the events. */
    public interface Midway {
        void run() throws Exception;
    }

    @Override
    public String kafka() {
        return services.bootstrapServers();
    }

    @Override
    public String schemaRegistry() {
        return services.registryUrl();
    }

    @Override
    public void midway() throws Exception {
        atMidway.run();
    }

    /** A new seed per run, printed, or {@code -Doracle.seed=N} to replay one. */
    public static long seed() {
        long seed = Long.getLong("oracle.seed", ThreadLocalRandom.current().nextLong());
        System.out.println("oracle seed " + seed + " (replay with -Doracle.seed=" + seed + ")");
        return seed;
    }
}
