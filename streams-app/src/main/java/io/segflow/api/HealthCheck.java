package io.segflow.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** Asks each dependency whether it answers; the instance is UP when all do. */
public final class HealthCheck {
    private final Map<String, Callable<?>> probes;

    /** @param probes by component name; a probe is healthy when it returns without throwing */
    public HealthCheck(Map<String, Callable<?>> probes) {
        this.probes = Map.copyOf(probes);
    }

    public Report run() {
        Map<String, String> components = new LinkedHashMap<>();
        probes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(probe -> {
            try {
                probe.getValue().call();
                components.put(probe.getKey(), "UP");
            } catch (Exception e) {
                components.put(probe.getKey(), "DOWN: " + e.getMessage());
            }
        });
        boolean up = components.values().stream().allMatch("UP"::equals);
        return new Report(up ? "UP" : "DOWN", components);
    }

    /** What {@code GET /health} returns. */
    public record Report(String status, Map<String, String> components) {
        public boolean up() {
            return status.equals("UP");
        }
    }
}
