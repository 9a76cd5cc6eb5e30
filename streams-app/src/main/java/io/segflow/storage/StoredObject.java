package io.segflow.storage;

/** An object as a listing of the bucket shows it. */
public record StoredObject(String path, long size, long lastModifiedMs) {
}
