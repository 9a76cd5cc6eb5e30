/**
 * Object storage behind {@link io.segflow.storage.ObjectStorage}: {@link io.segflow.storage.S3ObjectStorage}
 * speaks S3 to MinIO, AWS or the embedded server through the MinIO Java client, the only class
 * that knows it. Segment files, their paths, uploads and the pins reads hold on files.
 */
package io.segflow.storage;
