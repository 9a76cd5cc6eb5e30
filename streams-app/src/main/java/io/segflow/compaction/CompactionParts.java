package io.segflow.compaction;

import io.segflow.storage.FilePins;
import io.segflow.storage.ObjectStorage;

import java.util.concurrent.ExecutorService;

/**
 * What a collection's compaction coordinators and garbage collectors share in one instance.
 *
 * @param pins  files running reads use, which garbage collection keeps
 * @param gcIo  the thread garbage collection deletes and lists objects on
 */
public record CompactionParts(CompactionSettings settings, ObjectStorage storage, FilePins pins, ExecutorService gcIo) {
}
