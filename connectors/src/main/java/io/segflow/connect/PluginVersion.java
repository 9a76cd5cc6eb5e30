package io.segflow.connect;

/**
 * The plugin's own version, which Connect shows for each of its classes: the jar manifest's
 * Implementation-Version (Maven writes it), not the Kafka version the worker runs.
 */
final class PluginVersion {
    static final String VERSION = String.valueOf(PluginVersion.class.getPackage().getImplementationVersion());

    private PluginVersion() {
    }
}
