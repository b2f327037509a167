package io.augur.deploy.workload.shop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Lists directories two levels deep (names only; nothing is read or changed). */
public final class DirectoryScanner {
    static final int MAX_ENTRIES = 500;

    public List<String> scan(List<Path> roots) {
        List<String> found = new ArrayList<>();
        for (Path root : roots) {
            listDirectory(root, 2, found);
        }
        return found;
    }

    private void listDirectory(Path dir, int depth, List<String> found) {
        if (depth == 0 || found.size() >= MAX_ENTRIES || !Files.isDirectory(dir)) {
            return;
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.limit(MAX_ENTRIES).toList();
        } catch (IOException | SecurityException e) {
            return;
        }
        for (Path child : children) {
            if (found.size() >= MAX_ENTRIES) {
                return;
            }
            found.add(child.toString());
            if (Files.isDirectory(child) && !Files.isSymbolicLink(child)) {
                listDirectory(child, depth - 1, found);
            }
        }
    }
}
