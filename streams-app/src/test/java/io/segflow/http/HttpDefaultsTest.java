package io.segflow.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpDefaultsTest {
    @Test
    void theTestLauncherAppliedThemBeforeAnyClientWasMade() {
        assertThat(System.getProperty("jdk.httpclient.keepalive.timeout")).isEqualTo(HttpDefaults.CLIENT_KEEP_ALIVE_SECONDS);
        assertThat(Integer.parseInt(HttpDefaults.CLIENT_KEEP_ALIVE_SECONDS)).as("below the JDK server's idle interval")
                .isLessThan(Integer.getInteger("sun.net.httpserver.idleInterval", 30));
        assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    }
}
