package io.imageflowcanvas.local.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a backup holds: when it was taken, what it counted ({@code pipelines}, {@code deployments}, {@code runs},
 * {@code steps}, {@code objects}), and every file in it with its size and SHA-256, so a restore can refuse a
 * backup that is incomplete or damaged before it writes anything. Written last: a folder without it is no backup.
 */
public record BackupManifest(int format, Instant createdAt, boolean objects, Map<String, Integer> counts,
        List<FileEntry> files) {

    /** The manifest's own name in a backup folder. */
    public static final String NAME = "manifest.json";
    /** The layout this code writes and reads. */
    public static final int FORMAT = 1;

    private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

    /** One file of the backup, by its path inside it ('/'-separated). */
    public record FileEntry(String path, long bytes, String sha256) {

        static FileEntry of(Path backup, Path file) {
            return new FileEntry(backup.relativize(file).toString().replace('\\', '/'), size(file),
                    BackupManifest.sha256(file));
        }
    }

    void write(Path backup) {
        try {
            Path part = backup.resolve(NAME + ".part");
            Files.writeString(part, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
            Files.move(part, backup.resolve(NAME), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest of the backup in " + backup, e);
        }
    }

    /** The manifest of the backup in {@code backup}; thrown with the reason when there is none that can be read. */
    public static BackupManifest read(Path backup) {
        Path file = backup.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            throw new BackupException(backup + " holds no backup: " + NAME + " is missing (a backup still being"
                    + " written, or not made by imageflow backup)");
        }
        BackupManifest manifest;
        try {
            manifest = JSON.readValue(file.toFile(), BackupManifest.class);
        } catch (JacksonException e) {
            throw new BackupException(file + " cannot be read: " + e.getOriginalMessage());
        }
        if (manifest.format() != FORMAT) {
            throw new BackupException(file + " is of format " + manifest.format() + "; this imageflow reads format "
                    + FORMAT);
        }
        return manifest;
    }

    /** Checks every listed file against its size and checksum; thrown naming the first that differs. */
    void verify(Path backup) {
        for (FileEntry entry : files) {
            Path file = backup.resolve(entry.path()).normalize();
            if (!file.startsWith(backup.normalize())) {
                throw new BackupException("the manifest lists " + entry.path() + ", outside the backup");
            }
            if (!Files.isRegularFile(file)) {
                throw new BackupException("the backup lacks " + entry.path() + ", which its manifest lists");
            }
            if (size(file) != entry.bytes() || !sha256(file).equals(entry.sha256())) {
                throw new BackupException(entry.path() + " in the backup differs from its manifest (size or"
                        + " SHA-256): the backup is damaged");
            }
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest())) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
