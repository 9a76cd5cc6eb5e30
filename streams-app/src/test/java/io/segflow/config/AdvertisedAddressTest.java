package io.segflow.config;

import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What an instance tells the others its HTTP address is. */
class AdvertisedAddressTest {
    @Test
    void theBindAddressUnlessItIsEveryInterfaceOrAnAdvertisedOneIsSet() {
        assertThat(AdvertisedAddress.resolve("10.0.0.5", 8080, "", 0, () -> "box")).isEqualTo(new HostInfo("10.0.0.5", 8080));
        assertThat(AdvertisedAddress.resolve("0.0.0.0", 8080, "", 0, () -> "box")).isEqualTo(new HostInfo("box", 8080));
        assertThat(AdvertisedAddress.resolve("::", 8080, "", 0, () -> "box")).isEqualTo(new HostInfo("box", 8080));
        assertThat(AdvertisedAddress.resolve("0.0.0.0", 8080, "segflow-2", 18080, () -> "box"))
                .as("a container's name and mapped port").isEqualTo(new HostInfo("segflow-2", 18080));
    }

    @Test
    void theSettingsReachIt() {
        SegflowConfig config = ConfigLoader.load(null, Map.of(), Map.of(SegflowConfig.HTTP_HOST, "0.0.0.0",
                SegflowConfig.HTTP_ADVERTISED_HOST, "segflow-1", SegflowConfig.HTTP_PORT, "8080"));
        assertThat(config.advertisedHttp()).isEqualTo(new HostInfo("segflow-1", 8080));
    }
}
