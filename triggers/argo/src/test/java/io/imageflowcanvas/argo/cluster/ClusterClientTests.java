package io.imageflowcanvas.argo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageflowcanvas.argo.compile.ClusterBase;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.argo.compile.PipelineCompiler;
import io.imageflowcanvas.argo.compile.Pipelines;
import io.imageflowcanvas.testing.RecordingS3;
import io.imageflowcanvas.testing.S3TestServer;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Apply, delete and runs against fabric8's Kubernetes mock server in CRUD mode (it keeps what it is sent). */
@EnableKubernetesMockClient(crud = true)
class ClusterClientTests {

    KubernetesMockServer server;
    KubernetesClient client;

    private static final ClusterSettings SETTINGS = ClusterSettings.defaults();

    private static ClusterManifests defaultPipeline() {
        return ClusterBase.manifests(SETTINGS)
                .addAll(new PipelineCompiler(SETTINGS).compile(Pipelines.defaultPipeline()));
    }

    private List<GenericKubernetesResource> stored(ArgoKinds kind) {
        return client.genericKubernetesResources(kind.context).inNamespace("imageflow").list().getItems();
    }

    @Test
    void applyCreatesThenUpdatesWithoutDuplicates() throws Exception {
        ClusterClient cluster = new ClusterClient(client);
        List<ClusterClient.Applied> first = cluster.apply(defaultPipeline());
        assertThat(first).extracting(ClusterClient.Applied::outcome).containsOnly("created");
        assertThat(first).extracting(Object::toString).contains("WorkflowTemplate/imageflow-default created",
                "Sensor/imageflow-default created", "EventSource/imageflow-default-bucket-events created",
                "EventBus/default created",
                "ServiceAccount/imageflow-workflow created");

        List<ClusterClient.Applied> again = cluster.apply(defaultPipeline());
        assertThat(again).as(again.toString()).extracting(ClusterClient.Applied::outcome).containsOnly("unchanged");
        // Updates are asked for as server-side applies; the mock server, which cannot apply, answers 415 and the
        // client falls back to a replace where something differs.
        var last = server.getLastRequest();
        assertThat(last.getMethod()).isEqualTo("PATCH");
        assertThat(last.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
        assertThat(last.getPath()).contains("fieldManager=imageflow", "force=true");
        assertThat(stored(ArgoKinds.WORKFLOW_TEMPLATE)).hasSize(1);
        assertThat(stored(ArgoKinds.EVENT_SOURCE)).hasSize(1);
        assertThat(stored(ArgoKinds.SENSOR)).hasSize(1);
        assertThat(stored(ArgoKinds.ROLE)).hasSize(2);

        // A changed definition updates the template in place.
        List<ClusterClient.Applied> changed = cluster.apply(new PipelineCompiler(SETTINGS).compile(Pipelines.of("""
                {"pipelineId": "default", "name": "Default, smaller", "version": "1.1.0", "trigger": {"bucket": "raw"},
                 "steps": [{"stepId": "resize", "componentName": "resize", "parameters": {"width": 320}}]}
                """)));
        assertThat(changed).extracting(Object::toString).contains("WorkflowTemplate/imageflow-default configured");
        List<GenericKubernetesResource> templates = stored(ArgoKinds.WORKFLOW_TEMPLATE);
        assertThat(templates).hasSize(1);
        assertThat(templates.getFirst().getMetadata().getAnnotations())
                .containsEntry("imageflowcanvas.io/pipeline-version", "1.1.0");
        assertThat(client.getKubernetesSerialization().asJson(templates.getFirst())).contains("320")
                .doesNotContain("step-detect");
    }

    /** A cluster client whose pipelines' buckets are in {@code s3}, logged in as its test user. */
    private ClusterClient clusterWithBuckets(RecordingS3 s3) {
        return new ClusterClient(client, settings -> new PipelineBuckets(MinioClient.builder().endpoint(s3.endpoint())
                .region("us-east-1").credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY).build()));
    }

    @Test
    void deploySetsThePipelinesRetentionAsLifecycleRulesBesideOthersAndDeleteTakesOnlyItsOwn() throws Exception {
        try (RecordingS3 s3 = RecordingS3.start("raw", "processed")) {
            // A rule of the operator's own on raw, as mc ilm would have set it.
            s3.lifecycle("raw", "<LifecycleConfiguration><Rule><ID>operator</ID><Status>Enabled</Status><Filter>"
                    + "<Prefix>tmp/</Prefix></Filter><Expiration><Days>1</Days></Expiration></Rule>"
                    + "</LifecycleConfiguration>");
            ClusterClient cluster = clusterWithBuckets(s3);
            assertThat(cluster.deploy(Pipelines.of("""
                    {"pipelineId": "cams", "name": "Cams", "version": "1", "trigger": {"bucket": "raw", "prefix": "cams/"},
                     "retention": {"inputs": "30d", "outputs": "12h", "runs": "90d"},
                     "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 320}}]}"""),
                    SETTINGS, true)).extracting(Object::toString).contains("BucketVersioning/raw enabled",
                    "BucketLifecycle/raw configured", "BucketLifecycle/processed configured");
            // Inputs under the trigger's prefix after 30 days, overwritten versions too; the operator's rule kept.
            assertThat(s3.lifecycle("raw")).contains("<ID>operator</ID>", "<ID>imageflow-cams-inputs</ID>",
                    "<Prefix>cams/</Prefix>", "<Expiration><Days>30</Days></Expiration>",
                    "<NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration>");
            // Outputs outlive their input: the longer of outputs (12 h) and inputs (30 days).
            assertThat(s3.lifecycle("processed")).contains("<ID>imageflow-cams-outputs</ID>",
                    "<Prefix>cams/</Prefix>", "<Expiration><Days>30</Days></Expiration>");
            assertThat(s3.versioning("raw")).contains("<Status>Enabled</Status>");

            assertThat(cluster.delete(SETTINGS, "cams")).contains("bucket raw: lifecycle rules removed",
                    "bucket processed: lifecycle rules removed");
            assertThat(s3.lifecycle("raw")).contains("<ID>operator</ID>").doesNotContain("imageflow-cams");
            assertThat(s3.lifecycle("processed")).isNull();
        }
    }

    @Test
    void deleteRemovesWhatThePipelineOwnsAndNothingElse() throws Exception {
        try (RecordingS3 s3 = RecordingS3.start("raw", "processed", "inbox", "results")) {
            ClusterClient cluster = clusterWithBuckets(s3);
            cluster.deploy(Pipelines.defaultPipeline(), SETTINGS, true);
            cluster.deploy(Pipelines.diamond(), SETTINGS, false);
            assertThat(stored(ArgoKinds.SENSOR)).hasSize(2);

            List<String> removed = cluster.delete(SETTINGS, "default");
            assertThat(removed).containsExactlyInAnyOrder("Sensor/imageflow-default",
                    "EventSource/imageflow-default-bucket-events",
                    "WorkflowTemplate/imageflow-default", "bucket raw: notification removed",
                    "bucket raw: lifecycle rules removed");
            assertThat(stored(ArgoKinds.SENSOR)).extracting(r -> r.getMetadata().getName())
                    .containsExactly("imageflow-diamond");
            assertThat(stored(ArgoKinds.WORKFLOW_TEMPLATE)).extracting(r -> r.getMetadata().getName())
                    .containsExactly("imageflow-diamond");
            assertThat(stored(ArgoKinds.EVENT_BUS)).hasSize(1);
            assertThat(stored(ArgoKinds.SERVICE_ACCOUNT)).hasSize(2);
            assertThat(cluster.delete(SETTINGS, "default")).isEmpty();
        }
    }

    @Test
    void nothingIsAppliedWhenMinioCannotBeReached() throws Exception {
        RecordingS3 gone = RecordingS3.start();
        ClusterClient cluster = clusterWithBuckets(gone);
        gone.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.deploy(Pipelines.diamond(), SETTINGS, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("buckets of pipeline diamond");
        assertThat(stored(ArgoKinds.WORKFLOW_TEMPLATE)).isEmpty();
        assertThat(stored(ArgoKinds.SENSOR)).isEmpty();
        // Without a login for MinIO in the namespace, the default access refuses before forwarding a port.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClusterClient(client)
                .deploy(Pipelines.diamond(), SETTINGS, true)).hasMessageContaining("no Secret minio-credentials");
        assertThat(stored(ArgoKinds.WORKFLOW_TEMPLATE)).isEmpty();
    }

    /** What infra/k3s's MinIO answers for a bucket notifying its Kafka target: the ARN with its region filled in. */
    private static final String OUR_CONFIGURATION = "<QueueConfiguration><Id>imageflowcanvas</Id>"
            + "<Event>s3:ObjectCreated:Put</Event><Event>s3:ObjectCreated:Post</Event>"
            + "<Event>s3:ObjectCreated:Copy</Event><Event>s3:ObjectCreated:CompleteMultipartUpload</Event>"
            + "<Queue>arn:minio:sqs::PRIMARY:kafka</Queue></QueueConfiguration>";
    private static final String XMLNS = "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";

    @Test
    void deployMakesThePipelinesBucketsAndNotificationAndDeleteTakesThemAway() throws Exception {
        try (RecordingS3 s3 = RecordingS3.start("raw", "processed")) {
            // raw notifies already, as infra/k3s's bucket Job set it (MinIO stored the ARN with its region).
            String fromTheJob = XMLNS + "<QueueConfiguration><Id>job</Id><Event>s3:ObjectCreated:*</Event>"
                    + "<Queue>arn:minio:sqs:us-east-1:PRIMARY:kafka</Queue></QueueConfiguration>"
                    + "</NotificationConfiguration>";
            s3.notification("raw", fromTheJob);
            ClusterClient cluster = clusterWithBuckets(s3);
            assertThat(cluster.deploy(Pipelines.defaultPipeline(), SETTINGS, true)).extracting(Object::toString)
                    .startsWith("BucketNotification/raw unchanged");
            // Versioning (to undo an overwrite) with its noncurrent versions expiring: retention of the trigger bucket.
            assertThat(s3.requests()).extracting(Object::toString).containsExactly("HEAD /raw", "HEAD /processed",
                    "GET /raw?notification=", "GET /raw?versioning=", "PUT /raw?versioning=", "GET /raw?lifecycle=",
                    "PUT /raw?lifecycle=", "GET /processed?lifecycle=");
            assertThat(s3.notification("raw")).isEqualTo(fromTheJob);

            // A pipeline on another bucket: both its buckets made, the trigger bucket set to notify Kafka.
            s3.clear();
            String uploads = """
                    {"pipelineId": "uploads", "name": "Uploads", "version": "1",
                     "trigger": {"bucket": "uploads", "prefix": "cams/"},
                     "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 320}}],
                     "globalParameters": {"outputBucket": "uploads-out"}}""";
            assertThat(cluster.deploy(Pipelines.of(uploads), SETTINGS, false)).extracting(Object::toString)
                    .startsWith("Bucket/uploads created", "Bucket/uploads-out created",
                            "BucketNotification/uploads created")
                    .contains("WorkflowTemplate/imageflow-uploads created");
            assertThat(s3.requests()).extracting(Object::toString).startsWith("HEAD /uploads", "PUT /uploads",
                    "HEAD /uploads-out", "PUT /uploads-out", "GET /uploads?notification=", "PUT /uploads?notification=");
            assertThat(s3.requests().get(5).body()).isEqualTo(XMLNS + OUR_CONFIGURATION
                    + "</NotificationConfiguration>");
            assertThat(s3.backend().keys("uploads")).isEmpty();
            GenericKubernetesResource template = stored(ArgoKinds.WORKFLOW_TEMPLATE).stream()
                    .filter(t -> t.getMetadata().getName().equals("imageflow-uploads")).findFirst().orElseThrow();
            assertThat(template.getMetadata().getAnnotations())
                    .containsEntry(ClusterClient.MADE_BUCKETS_ANNOTATION, "uploads,uploads-out")
                    .containsEntry(PipelineCompiler.TRIGGER_BUCKET_ANNOTATION, "uploads");

            // Again: nothing made, nothing put; what it made is still remembered.
            s3.clear();
            assertThat(cluster.deploy(Pipelines.of(uploads), SETTINGS, false)).extracting(Object::toString)
                    .startsWith("BucketNotification/uploads unchanged");
            assertThat(s3.requests()).extracting(Object::toString).containsExactly("HEAD /uploads",
                    "HEAD /uploads-out", "GET /uploads?notification=", "GET /uploads?versioning=",
                    "GET /uploads?lifecycle=", "GET /uploads-out?lifecycle=");
            assertThat(stored(ArgoKinds.WORKFLOW_TEMPLATE).stream()
                    .filter(t -> t.getMetadata().getName().equals("imageflow-uploads")).findFirst().orElseThrow()
                    .getMetadata().getAnnotations()).containsEntry(ClusterClient.MADE_BUCKETS_ANNOTATION,
                            "uploads,uploads-out");

            // A second pipeline on the same bucket shares the notification: deleting it leaves it in place.
            s3.clear();
            cluster.deploy(Pipelines.of(uploads.replace("\"uploads\", \"name\"", "\"uploads-too\", \"name\"")),
                    SETTINGS, false);
            assertThat(cluster.delete(SETTINGS, "uploads-too")).containsOnlyOnce("bucket uploads: lifecycle rules removed")
                    .noneMatch(line -> line.contains("notification"));
            assertThat(s3.requests()).extracting(Object::toString).doesNotContain("PUT /uploads?notification=");

            // Delete: our configuration goes, the empty bucket it made goes, the one holding a result stays.
            s3.backend().put("uploads-out", "cams/a.jpg/small.jpg", new byte[] {1, 2, 3});
            s3.clear();
            assertThat(cluster.delete(SETTINGS, "uploads")).contains("bucket uploads: notification removed",
                    "bucket uploads: removed", "bucket uploads-out: kept, it holds objects");
            assertThat(s3.requests()).extracting(Object::toString).containsSubsequence("GET /uploads?notification=",
                    "PUT /uploads?notification=", "DELETE /uploads");
            // An empty configuration: MinIO then has none for the bucket (internal/event/config.go:255).
            assertThat(s3.notification("uploads"))
                    .isEqualTo("<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
            assertThat(s3.backend().client().bucketExists(BucketExistsArgs.builder().bucket("uploads").build()))
                    .isFalse();
            assertThat(s3.backend().keys("uploads-out")).containsExactly("cams/a.jpg/small.jpg");
            // The bucket the install made and notifies through its own configuration is left as it was.
            assertThat(cluster.delete(SETTINGS, "default")).doesNotContain("bucket raw: notification removed");
            assertThat(s3.notification("raw")).isEqualTo(fromTheJob);
        }
    }
}
