package io.imageflowcanvas.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.S3TestServer;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signed PUT {@code imageflow put} sends (S3Client's), against a real S3-compatible server. */
class S3PutTests {

    private final S3TestServer s3 = S3TestServer.start("raw");

    @TempDir
    Path work;

    @AfterEach
    void stop() throws Exception {
        s3.close();
    }

    private S3Put store(String secret) {
        return new S3Put(s3.endpoint(), "us-east-1", S3TestServer.ACCESS_KEY, secret);
    }

    @Test
    void storesAPhotoUnderKeysThatNeedEncoding() throws Exception {
        Path photo = Files.write(work.resolve("dog.jpg"), Photos.bytes("dog.jpg"));
        S3Put store = store(S3TestServer.SECRET_KEY);
        for (String key : new String[] {"dog.jpg", "cameras/front door/2026-12-05 10:00+01.jpg",
                "ünïcode/写真 (1)&x=y;~%.jpg"}) {
            store.put("raw", key, photo);
            assertThat(s3.get("raw", key)).as(key).isEqualTo(Photos.bytes("dog.jpg"));
        }
        StatObjectResponse stat = s3.client().statObject(StatObjectArgs.builder().bucket("raw").object("dog.jpg")
                .build());
        assertThat(stat.contentType()).isEqualTo("image/jpeg");
        assertThat(S3Put.contentType(Path.of("a/B.PNG"))).isEqualTo("image/png");
        assertThat(S3Put.contentType(Path.of("notes"))).isEqualTo("application/octet-stream");
    }

    @Test
    void streamsAFileAboveTheBufferedSize() throws Exception {
        byte[] large = new byte[S3Put.BUFFERED_BYTES + 12345];
        new java.util.Random(7).nextBytes(large);
        Path file = Files.write(work.resolve("large.bin"), large);
        store(S3TestServer.SECRET_KEY).put("raw", "large.bin", file);
        assertThat(s3.get("raw", "large.bin")).isEqualTo(large);
    }

    @Test
    void namesWhatTheStoreRefused() throws Exception {
        Path photo = Files.write(work.resolve("dog.jpg"), Photos.bytes("dog.jpg"));
        assertThatThrownBy(() -> store(S3TestServer.SECRET_KEY).put("nobucket", "dog.jpg", photo))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("the store at " + s3.endpoint() + " refused nobucket/dog.jpg: HTTP 404")
                .hasMessageContaining("NoSuchBucket");
        assertThatThrownBy(() -> store("wrong-secret").put("raw", "dog.jpg", photo))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused raw/dog.jpg: HTTP 403");
        assertThat(s3.keys("raw")).isEmpty();
    }
}
