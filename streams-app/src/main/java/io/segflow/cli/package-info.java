/** The {@code segflow} command line (picocli): run, collection, produce and config-reference. */
package io.segflow.cli;
