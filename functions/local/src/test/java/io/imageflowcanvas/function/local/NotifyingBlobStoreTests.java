package io.imageflowcanvas.function.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The embedded S3 server's store, on a real folder: the filesystem store writes an upload to a temporary file beside
 * its key ({@code <key>-<uuid>}) and lists that file until the upload ends. A listing in that time (the runner's
 * bucket watcher reconciles by listing) took it for an object and started a run that failed reading it (a burst test
 * saw it under load: 501 runs for 500 images).
 */
class NotifyingBlobStoreTests {

    @Test
    void listsNoUploadsTemporaryFileWhileTheUploadIsUnderWay(@TempDir Path folder) throws Exception {
        NotifyingBlobStore store = new NotifyingBlobStore(new FilesystemNio2BlobStore(folder.toString()));
        store.createContainer("raw");
        CountDownLatch halfSent = new CountDownLatch(1);
        CountDownLatch rest = new CountDownLatch(1);
        byte[] body = new byte[64 * 1024];
        // Half the body, then nothing until the listing has been made (the store reads in blocks).
        InputStream slow = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                int half = body.length / 2;
                if (pos == half && halfSent.getCount() > 0) {
                    halfSent.countDown();
                    try {
                        rest.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return -1;
                    }
                }
                return super.read(buffer, offset, pos < half ? Math.min(length, half - pos) : length);
            }
        };
        CompletableFuture<?> upload = CompletableFuture.runAsync(() -> store.putBlob(PutObjectRequest.builder()
                .bucket("raw").key("drop/photo.jpg").contentLength((long) body.length).build(), slow));
        assertThat(halfSent.await(10, TimeUnit.SECONDS)).isTrue();

        List<String> during = keys(store);

        rest.countDown();
        upload.get(10, TimeUnit.SECONDS);
        assertThat(during).as("listed while the upload was under way").isEmpty();
        assertThat(keys(store)).containsExactly("drop/photo.jpg");
    }

    @Test
    void listsAKeyThatOnlyLooksLikeATemporaryFile(@TempDir Path folder) {
        NotifyingBlobStore store = new NotifyingBlobStore(new FilesystemNio2BlobStore(folder.toString()));
        store.createContainer("raw");
        String key = "drop/photo.jpg-0f8fad5b-d9cb-469f-a165-70867728950e";
        store.putBlob(PutObjectRequest.builder().bucket("raw").key(key).contentLength(3L).build(),
                new ByteArrayInputStream(new byte[] {1, 2, 3}));
        assertThat(keys(store)).containsExactly(key);
    }

    private static List<String> keys(NotifyingBlobStore store) {
        return store.list(ListObjectsV2Request.builder().bucket("raw").build()).contents().stream()
                .map(S3Object::key).toList();
    }
}
