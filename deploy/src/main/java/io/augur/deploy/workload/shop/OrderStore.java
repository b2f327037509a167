package io.augur.deploy.workload.shop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Orders as small files in the service's data folder, plus an append-only journal. */
public final class OrderStore {
    private final Path dir;
    private final Path journal;

    public OrderStore(Path dataDir) {
        this.dir = dataDir.resolve("orders");
        this.journal = dataDir.resolve("journal.log");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void save(Order order, long totalCents) {
        String body =
                order.id
                        + ","
                        + order.customer
                        + ","
                        + order.sku
                        + ","
                        + order.quantity
                        + ","
                        + totalCents
                        + "\n";
        try {
            Files.writeString(dir.resolve(order.id), body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        journal("saved " + order.id);
    }

    /** The stored line of an order, or null. */
    public String load(String id) {
        Path file = dir.resolve(id).normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    public List<Path> list() {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.sorted().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the journal's last {@code lines} lines. */
    public void compactJournal(int lines) {
        try {
            if (!Files.exists(journal)) {
                return;
            }
            List<String> all = Files.readAllLines(journal, StandardCharsets.UTF_8);
            if (all.size() > lines) {
                Files.write(journal, all.subList(all.size() - lines, all.size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void journal(String line) {
        try {
            Files.writeString(
                    journal,
                    line + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
