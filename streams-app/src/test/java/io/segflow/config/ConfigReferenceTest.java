package io.segflow.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigReferenceTest {
    /** Surefire runs in the module folder; the README is the project's. */
    private static final Path README = Path.of("..", "README.md");

    @Test
    void theReadmesConfigurationReferenceIsTheDeclaredSettings() throws IOException {
        String readme = Files.readString(README);
        int begin = readme.indexOf(ConfigReference.BEGIN_MARKER);
        int end = readme.indexOf(ConfigReference.END_MARKER);
        assertThat(begin).as("README has the begin marker").isNotNegative();
        assertThat(end).as("README has the end marker after it").isGreaterThan(begin);

        String documented = readme.substring(begin + ConfigReference.BEGIN_MARKER.length(), end).strip();

        assertThat(documented)
                .as("README configuration reference; regenerate it with `java -jar streams-app/target/segflow.jar config-reference`")
                .isEqualTo(ConfigReference.markdown().strip());
    }

    @Test
    void everySettingHasARow() {
        String table = ConfigReference.markdown();

        for (String name : SegflowConfig.DEFINITION.names()) {
            assertThat(table).contains("| `" + name + "` | `" + ConfigLoader.envName(name) + "` |");
        }
    }
}
