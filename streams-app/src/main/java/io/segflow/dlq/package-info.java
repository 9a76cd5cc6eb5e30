/** The dead-letter topic {@code C.dlq} after the fact: replaying the records a producer fix cannot send again by itself. */
package io.segflow.dlq;
