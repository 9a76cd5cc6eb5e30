/** The HTTP API of an instance: health, and collections as JSON. */
package io.segflow.api;
