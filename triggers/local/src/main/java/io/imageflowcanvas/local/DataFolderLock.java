package io.imageflowcanvas.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A runner's claim on its data folder: an operating-system lock on {@code runner.lock} in it, held while the runner
 * runs and dropped by the system when its process ends, however it ends. A second runner on the same folder, or a
 * restore into it, finds it taken.
 */
public final class DataFolderLock implements AutoCloseable {

    public static final String NAME = "runner.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock on {@code dataFolder}, or empty when a runner (in this process or another) holds it. */
    public static Optional<DataFolderLock> tryTake(Path dataFolder) {
        try {
            Files.createDirectories(dataFolder);
            FileChannel channel = FileChannel.open(dataFolder.resolve(NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held in this very process
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new DataFolderLock(channel, lock));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data folder " + dataFolder, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
