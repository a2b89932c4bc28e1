package io.imageflowcanvas.local.backup;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.ListAllMyBucketsResult.Bucket;
import io.minio.messages.Item;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every object of every bucket, copied through the S3 API with what makes it the same object again: its content
 * type and user metadata (the functions' lineage and results live there). The bytes go to numbered files under
 * {@code objects/<bucket>/} (keys may hold anything a file name may not), the rest to one index line per object in
 * {@code objects.jsonl}. Each object is read with one GET, so its bytes and metadata are of one version even
 * while it is being written over.
 */
final class ObjectDump {

    static final String INDEX = "objects.jsonl";
    static final String FOLDER = "objects";
    private static final String USER_METADATA = "x-amz-meta-";
    private static final long MIN_PART = 5L * 1024 * 1024;
    private static final long MAX_PART = 5L * 1024 * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One object as the index records it; {@code eTag} is its identity (runs are keyed by it). */
    record Entry(String bucket, String key, String file, long size, String eTag, String contentType,
            Map<String, String> metadata, String sha256) {
    }

    /** What a load did: objects stored, and those whose store gave them another eTag (they will run again). */
    record Loaded(int objects, List<String> newIdentities) {
    }

    private ObjectDump() {
    }

    /** Copies every object of {@code client}'s store into {@code backup}; the number copied. */
    static int write(MinioClient client, Path backup) throws Exception {
        int count = 0;
        try (BufferedWriter index = Files.newBufferedWriter(backup.resolve(INDEX))) {
            for (Bucket bucket : client.listBuckets()) {
                Path folder = Files.createDirectories(backup.resolve(FOLDER).resolve(bucket.name()));
                int inBucket = 0;
                for (Result<Item> listed : client.listObjects(ListObjectsArgs.builder().bucket(bucket.name())
                        .recursive(true).build())) {
                    Item item = listed.get();
                    if (item.isDir()) {
                        continue;
                    }
                    String file = FOLDER + "/" + bucket.name() + "/" + String.format("%08d", ++inBucket);
                    Entry entry;
                    try {
                        entry = copy(client, bucket.name(), item.objectName(), backup, file);
                    } catch (io.minio.errors.ErrorResponseException e) {
                        if ("NoSuchKey".equals(e.errorResponse().code())) {
                            continue; // deleted since it was listed: not part of what there is now
                        }
                        throw e;
                    }
                    index.write(JSON.writeValueAsString(entry));
                    index.newLine();
                    count++;
                }
            }
        }
        return count;
    }

    private static Entry copy(MinioClient client, String bucket, String key, Path backup, String file)
            throws Exception {
        var digest = BackupManifest.digest();
        long size;
        try (GetObjectResponse object = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
                OutputStream out = new DigestOutputStream(Files.newOutputStream(backup.resolve(file)), digest)) {
            size = object.transferTo(out);
            Map<String, String> metadata = new LinkedHashMap<>();
            String contentType = null;
            String eTag = null;
            for (var header : object.headers()) {
                String name = header.getFirst().toLowerCase(Locale.ROOT);
                if (name.startsWith(USER_METADATA)) {
                    metadata.put(name.substring(USER_METADATA.length()), header.getSecond());
                } else if (name.equals("content-type")) {
                    contentType = header.getSecond();
                } else if (name.equals("etag")) {
                    eTag = header.getSecond().replace("\"", "");
                }
            }
            out.flush();
            return new Entry(bucket, key, file, size, eTag, contentType, metadata,
                    HexFormat.of().formatHex(digest.digest()));
        }
    }

    /** The index of {@code backup}, each file checked against its size and SHA-256 (before anything is stored). */
    static List<Entry> verify(Path backup) throws Exception {
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(backup.resolve(INDEX))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Entry entry = JSON.readValue(line, Entry.class);
                Path file = backup.resolve(entry.file()).normalize();
                if (!file.startsWith(backup.normalize()) || !Files.isRegularFile(file)
                        || BackupManifest.size(file) != entry.size()
                        || !BackupManifest.sha256(file).equals(entry.sha256())) {
                    throw new BackupException("object " + entry.bucket() + "/" + entry.key() + " (" + entry.file()
                            + ") is missing or damaged in the backup");
                }
                entries.add(entry);
            }
        }
        return entries;
    }

    /** Stores {@code entries} through {@code client}, making their buckets. */
    static Loaded load(MinioClient client, Path backup, List<Entry> entries) throws Exception {
        List<String> newIdentities = new ArrayList<>();
        java.util.Set<String> buckets = new java.util.HashSet<>();
        for (Entry entry : entries) {
            if (buckets.add(entry.bucket())
                    && !client.bucketExists(BucketExistsArgs.builder().bucket(entry.bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(entry.bucket()).build());
            }
            ObjectWriteResponse stored;
            try (InputStream in = Files.newInputStream(backup.resolve(entry.file()))) {
                PutObjectArgs.Builder put = PutObjectArgs.builder().bucket(entry.bucket()).object(entry.key())
                        // One PUT up to S3's limit for it: an object uploaded in one piece keeps its MD5 eTag.
                        .stream(in, entry.size(), Math.max(MIN_PART, Math.min(entry.size(), MAX_PART)))
                        .userMetadata(entry.metadata());
                if (entry.contentType() != null) {
                    put.contentType(entry.contentType());
                }
                stored = client.putObject(put.build());
            }
            String eTag = stored.etag() == null ? null : stored.etag().replace("\"", "");
            if (entry.eTag() != null && !entry.eTag().equals(eTag)) {
                newIdentities.add(entry.bucket() + "/" + entry.key());
            }
        }
        return new Loaded(entries.size(), newIdentities);
    }
}
