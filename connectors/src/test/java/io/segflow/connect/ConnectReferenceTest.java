package io.segflow.connect;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectReferenceTest {
    @Test
    void theReadmesTableOfThePluginsSettingsIsTheDeclaredOne() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf(ConnectReference.BEGIN_MARKER);
        int end = readme.indexOf(ConnectReference.END_MARKER);
        assertThat(begin).as("README marker").isPositive();
        assertThat(readme.substring(begin + ConnectReference.BEGIN_MARKER.length(), end).strip())
                .as("README's settings of the Connect plugin; regenerate them with ConnectReference.main").isEqualTo(
                        ConnectReference.markdown().strip());
    }

    @Test
    void everySettingIsDocumented() {
        assertThat(ConnectReference.markdown().lines().skip(2)).allSatisfy(row -> assertThat(row.split("\\|")[5]).isNotBlank());
        assertThat(ConnectReference.markdown()).contains("`collection`").contains("`vector.field`").contains("`schema.registry.url`")
                .contains("`basic.auth.user.info`").contains("`pk.type`").contains("`truncate`");
    }
}
