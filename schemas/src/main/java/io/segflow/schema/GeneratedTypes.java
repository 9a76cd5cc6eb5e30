package io.segflow.schema;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate a generated class (even to copy an enum in a builder) unless
 * it is trusted. {@link #trust()} adds this package to the process-wide predicate, keeping
 * Avro's own rules; setting the system property
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES=io.segflow.schema} before Avro loads does the same.
 */
public final class GeneratedTypes {
    private static volatile boolean trusted;

    private GeneratedTypes() {
    }

    public static synchronized void trust() {
        if (!trusted) {
            String pkg = GeneratedTypes.class.getPackageName();
            ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, type -> type.getPackageName().equals(pkg)));
            trusted = true;
        }
    }
}
