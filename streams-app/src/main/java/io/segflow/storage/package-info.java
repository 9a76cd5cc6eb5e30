/** Object storage (S3, MinIO or the embedded S3 server), reached only through the MinIO Java client. */
package io.segflow.storage;
