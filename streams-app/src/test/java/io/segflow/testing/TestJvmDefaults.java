package io.segflow.testing;

import io.segflow.http.HttpDefaults;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Applies the JVM-wide settings the command line applies, before any test of this JVM runs. */
public final class TestJvmDefaults implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        HttpDefaults.apply();
    }
}
