package io.augur.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The file operations task groups are made of. {@link #host()} works on the real cgroup file
 * systems; tests substitute a fake kernel over a plain directory tree (where, unlike cgroupfs, a
 * group directory holds ordinary files and {@code rmdir} must remove them).
 */
public interface CgroupFs {

    /** The real file system. */
    static CgroupFs host() {
        return HostCgroupFs.INSTANCE;
    }

    /**
     * The file's content, trimmed.
     *
     * @throws GroupVanishedException when the file does not exist (or its group was removed while
     *     it was open)
     */
    String read(Path file);

    /** Writes {@code value} in one {@code write(2)}, as cgroupfs expects. */
    void write(Path file, String value);

    boolean exists(Path path);

    /** Creates {@code dir} (and missing parents); an existing one is fine. */
    void mkdirs(Path dir);

    /** Removes an empty group. */
    void rmdir(Path dir);

    /** Names of the directories directly under {@code dir}, sorted; empty when it is missing. */
    List<String> childDirs(Path dir);

    /** The plain {@link java.nio.file.Files} implementation. */
    class HostCgroupFs implements CgroupFs {
        static final HostCgroupFs INSTANCE = new HostCgroupFs();

        protected HostCgroupFs() {}

        @Override
        public String read(Path file) {
            try {
                return KernelFiles.read(file).trim();
            } catch (NoSuchFileException e) {
                throw new GroupVanishedException(file);
            } catch (FileSystemException e) {
                // A group removed while its file was open reads as ENODEV.
                if (String.valueOf(e.getReason()).contains("No such device")) {
                    throw new GroupVanishedException(file);
                }
                throw new UncheckedIOException("cannot read " + file, e);
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("No such device")) {
                    throw new GroupVanishedException(file);
                }
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        @Override
        public void write(Path file, String value) {
            try {
                Files.write(
                        file,
                        value.getBytes(StandardCharsets.US_ASCII),
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (NoSuchFileException e) {
                throw new GroupVanishedException(file);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "kernel refused '" + value + "' for " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public boolean exists(Path path) {
            return Files.exists(path);
        }

        @Override
        public void mkdirs(Path dir) {
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                // Another agent created it at the same moment: what we wanted.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
        }

        @Override
        public void rmdir(Path dir) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
            }
        }

        @Override
        public List<String> childDirs(Path dir) {
            List<String> names = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                return names;
            }
            try (DirectoryStream<Path> children =
                    Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path child : children) {
                    names.add(child.getFileName().toString());
                }
            } catch (NoSuchFileException e) {
                return names;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
            names.sort(null);
            return names;
        }
    }
}
