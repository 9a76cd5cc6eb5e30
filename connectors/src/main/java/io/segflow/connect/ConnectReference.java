package io.segflow.connect;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The settings of the plugin's classes, from their {@link ConfigDef}s, as the README's table. */
public final class ConnectReference {
    public static final String BEGIN_MARKER = "<!-- connect-reference:begin (checked by ConnectReferenceTest) -->";
    public static final String END_MARKER = "<!-- connect-reference:end -->";

    /** Each class with the prefix its settings take in a connector's configuration. */
    private static final Map<String, ConfigDef> CLASSES = new LinkedHashMap<>();

    static {
        CLASSES.put("`transforms.<name>.` of `" + DebeziumToDml.class.getName() + "`", DebeziumToDml.CONFIG);
        CLASSES.put("`value.converter.` of `" + SegflowDmlConverter.class.getName() + "`", SegflowDmlConverter.CONFIG);
        CLASSES.put("`key.converter.` of `" + SegflowKeyConverter.class.getName() + "`", SegflowKeyConverter.CONFIG);
    }

    private ConnectReference() {
    }

    public static String markdown() {
        StringBuilder table = new StringBuilder("| setting | of | type | default | description |\n|---|---|---|---|---|\n");
        CLASSES.forEach((owner, config) -> table.append(config.configKeys().values().stream()
                .map(key -> "| `" + key.name + "` | " + owner + " | " + key.type.name().toLowerCase() + " | " + shown(key) + " | "
                        + key.documentation + (key.validator == null ? "" : " Valid values: " + key.validator + ".") + " |")
                .collect(Collectors.joining("\n", "", "\n"))));
        return table.toString();
    }

    private static String shown(ConfigDef.ConfigKey key) {
        if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
            return "*(required)*";
        }
        Object value = key.defaultValue instanceof Password password ? password.value() : key.defaultValue;
        return value == null || value.toString().isEmpty() || value.toString().equals("[]") ? "*(empty)*" : "`" + value + "`";
    }

    /** Prints the table, to paste between the README's markers. */
    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
