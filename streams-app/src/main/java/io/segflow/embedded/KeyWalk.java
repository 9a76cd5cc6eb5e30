package io.segflow.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The files under a bucket's folder whose keys start with {@code prefix} and are at least {@code start}, in key
 * order. A folder {@code f} holds the keys {@code f/...}, so sorting each folder's entries by name, with a '/'
 * after each folder's, yields the keys in order; folders wholly before {@code start} are not entered.
 */
final class KeyWalk implements Iterator<KeyWalk.Found> {
    record Found(String key, BasicFileAttributes attributes) {
    }

    private record Entry(String key, boolean folder, Path path, BasicFileAttributes attributes) {
    }

    private final String prefix;
    private final String start;
    private final Deque<Iterator<Entry>> stack = new ArrayDeque<>();
    private Found next;

    KeyWalk(Path bucketDir, String prefix, String start) throws IOException {
        this.prefix = prefix;
        this.start = start;
        int slash = prefix.lastIndexOf('/');
        String folderKey = prefix.substring(0, slash + 1);
        Path folder = bucketDir.resolve(folderKey).normalize();
        if (Files.isDirectory(folder) && folder.startsWith(bucketDir)) {
            stack.push(entries(folder, folderKey));
        }
        advance();
    }

    private Iterator<Entry> entries(Path folder, String folderKey) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(folder)) {
            for (Path child : children) {
                String name = folderKey + child.getFileName();
                // by name first: a page of a large folder reads the attributes of what it may list, not of every entry
                if (!relevant(name, false) && !relevant(name + "/", true)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(child, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                }
                boolean isFolder = attributes.isDirectory();
                String key = isFolder ? name + "/" : name;
                if (relevant(key, isFolder)) {
                    entries.add(new Entry(key, isFolder, child, attributes));
                }
            }
        } catch (NoSuchFileException e) {
            return List.<Entry>of().iterator();
        }
        entries.sort(Comparator.comparing(Entry::key));
        return entries.iterator();
    }

    /** Whether a key (or every key of a folder) can be under the prefix and at or after the start. */
    private boolean relevant(String key, boolean folder) {
        boolean underPrefix = key.startsWith(prefix) || (folder && prefix.startsWith(key));
        if (!underPrefix) {
            return false;
        }
        if (key.compareTo(start) >= 0) {
            return true;
        }
        return folder && start.startsWith(key);
    }

    private void advance() throws IOException {
        next = null;
        while (!stack.isEmpty()) {
            Iterator<Entry> top = stack.peek();
            if (!top.hasNext()) {
                stack.pop();
                continue;
            }
            Entry entry = top.next();
            if (entry.folder()) {
                stack.push(entries(entry.path(), entry.key()));
            } else if (entry.attributes().isRegularFile()) {
                next = new Found(entry.key(), entry.attributes());
                return;
            }
        }
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public Found next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        Found found = next;
        try {
            advance();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
