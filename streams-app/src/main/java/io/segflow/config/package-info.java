/**
 * Every setting of Segflow, declared once with type, default, validator and doc in a Kafka
 * {@code ConfigDef}; read from defaults, a properties file, {@code SEGFLOW_*} environment
 * variables and command-line flags, in rising precedence; and rendered as the README's
 * configuration reference.
 */
package io.segflow.config;
