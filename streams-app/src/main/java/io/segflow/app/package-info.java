/** A running Segflow instance: the embedded or external services it uses and the servers it runs. */
package io.segflow.app;
