package io.segflow.config;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads settings from defaults, a properties file, {@code SEGFLOW_*} environment variables and
 * flags, each overriding the one before, and reports every problem at once.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "SEGFLOW_";

    private ConfigLoader() {
    }

    /** The environment variable of a setting: {@code s3.bucket} is {@code SEGFLOW_S3_BUCKET}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * @param file  a properties file, or null
     * @param env   the environment
     * @param flags settings given on the command line
     * @throws ConfigException listing every problem found
     */
    public static SegflowConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> props = new LinkedHashMap<>();
        if (file != null) {
            props.putAll(readFile(file));
        }
        for (String key : SegflowConfig.DEFINITION.names()) {
            String value = env.get(envName(key));
            if (value != null) {
                props.put(key, value);
            }
        }
        props.putAll(flags);
        List<String> problems = problems(props);
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration: " + String.join("; ", problems));
        }
        return new SegflowConfig(props);
    }

    static List<String> problems(Map<String, String> props) {
        List<String> problems = new ArrayList<>();
        for (String key : props.keySet()) {
            if (!SegflowConfig.DEFINITION.names().contains(key) && !key.startsWith(SegflowConfig.KAFKA_PREFIX)) {
                problems.add("unknown setting '" + key + "'");
            }
        }
        for (ConfigValue value : SegflowConfig.DEFINITION.validate(props)) {
            value.errorMessages().forEach(problems::add);
        }
        List<String> external = List.of(SegflowConfig.KAFKA_BOOTSTRAP_SERVERS, SegflowConfig.SCHEMA_REGISTRY_URL,
                SegflowConfig.S3_ENDPOINT);
        List<String> missing = external.stream().filter(k -> props.getOrDefault(k, "").isBlank()).toList();
        if (!missing.isEmpty() && missing.size() < external.size()) {
            problems.add(String.join(", ", external) + " are set together (external services) or not at all"
                    + " (embedded default); missing: " + String.join(", ", missing));
        }
        return problems;
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> props = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> props.put(name, properties.getProperty(name).trim()));
        return props;
    }
}
